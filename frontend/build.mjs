// Builds the portal's CSS and JS from the installed govuk-frontend package into static/build/
// (ignored by git). A council service: a system font stack, no GDS Transport, no crown.
import { cpSync, mkdirSync, copyFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "static", "build");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
mkdirSync(out, { recursive: true });

const result = sass.compile(join(root, "static", "scss", "portal.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import", "global-builtin", "color-functions", "slash-div"],
});
writeFileSync(join(out, "portal.css"), result.css);
copyFileSync(join(govuk, "govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
// The compiled CSS refers to GOV.UK Frontend's images (the footer crest rule is compiled in even
// though the portal never shows a crest); collectstatic's manifest refuses a missing one.
cpSync(join(govuk, "assets", "images"), join(out, "assets", "images"), { recursive: true });
console.log(`Built ${join(out, "portal.css")} (${result.css.length} bytes) and govuk-frontend.min.js`);
