// Modules only run in browsers GOV.UK Frontend supports, so this is where the
// govuk-frontend-supported class is set (no inline script: the CSP forbids it).
import { initAll } from "../build/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
