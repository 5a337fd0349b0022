// The portfolio PDF's status page, updated in place while the PDF is made in the background.
// Without JavaScript the page reloads itself (a <noscript> refresh); with it, this module fetches
// the same page every few seconds and swaps in the new status, so focus and the reading position
// stay put. The role="status" line above it is announced when the PDF is ready or has failed.
import { initAll } from "../build/govuk-frontend.min.js";

const region = document.querySelector("[data-pdf-export-status]");
const announce = document.querySelector("[data-pdf-export-announce]");

async function refresh() {
  const seconds = Number(region.dataset.refreshSeconds || 0);
  if (!seconds) return;
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  let response;
  try {
    response = await fetch(window.location.href, { credentials: "same-origin", cache: "no-store" });
  } catch {
    setTimeout(refresh, 0);
    return;
  }
  if (!response.ok) {
    window.location.reload();
    return;
  }
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  const fresh = page.querySelector("[data-pdf-export-status]");
  const freshAnnounce = page.querySelector("[data-pdf-export-announce]");
  if (!fresh) {
    window.location.reload();
    return;
  }
  region.innerHTML = fresh.innerHTML;
  region.dataset.pdfExportStatus = fresh.dataset.pdfExportStatus;
  region.dataset.refreshSeconds = fresh.dataset.refreshSeconds || "";
  if (announce && freshAnnounce && announce.textContent !== freshAnnounce.textContent) {
    announce.textContent = freshAnnounce.textContent;
  }
  if (!region.dataset.refreshSeconds) {
    // Finished: start the GOV.UK components the new content holds (buttons, error summary).
    initAll({ scope: region });
    return;
  }
  refresh();
}

if (region) refresh();
