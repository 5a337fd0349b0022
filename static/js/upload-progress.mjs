// Evidence upload with a progress bar. Without JavaScript the form posts normally; with it, the
// same form is sent by XMLHttpRequest so the browser can report upload progress. The server
// answers {"redirect": url} on success, or the page with its error summary (status 400).
import { ErrorSummary } from "../build/govuk-frontend.min.js";

function enhance(form) {
  const box = form.querySelector("[data-upload-progress]");
  const bar = form.querySelector("progress");
  const status = form.querySelector("[data-upload-status]");
  if (!box || !bar || !status || form.dataset.enhanced) return;
  form.dataset.enhanced = "true";

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit], input[type=submit]");
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    box.hidden = false;
    bar.value = 0;
    bar.textContent = "0%";
    status.textContent = "Uploading…";
    if (button) button.disabled = true;

    xhr.upload.addEventListener("progress", (progress) => {
      if (!progress.lengthComputable) return;
      const percent = Math.floor((progress.loaded / progress.total) * 100);
      bar.value = percent;
      bar.textContent = `${percent}%`;
      status.textContent = percent < 100 ? `Uploading: ${percent}%` : "Checking the files…";
    });
    xhr.addEventListener("load", () => {
      if (xhr.status === 200) {
        let data = {};
        try {
          data = JSON.parse(xhr.responseText);
        } catch {
          data = {};
        }
        if (data.redirect) {
          status.textContent = "Upload complete";
          window.location.assign(data.redirect);
          return;
        }
      }
      if (xhr.status === 400) {
        replacePage(xhr.responseText);
        return;
      }
      failed(button, "The upload did not work. Try again, or send the form without the progress bar.");
    });
    xhr.addEventListener("error", () => failed(button, "The upload was interrupted. Check your connection and try again."));
    xhr.send(new FormData(form));
  });

  function failed(button, message) {
    status.textContent = message;
    if (button) button.disabled = false;
  }
}

function replacePage(html) {
  const next = new DOMParser().parseFromString(html, "text/html");
  const main = document.querySelector("main");
  const nextMain = next.querySelector("main");
  if (!main || !nextMain) {
    document.location.reload();
    return;
  }
  main.replaceChildren(...Array.from(nextMain.childNodes).map((node) => document.importNode(node, true)));
  document.title = next.title;
  const summary = main.querySelector('[data-module="govuk-error-summary"]');
  if (summary) new ErrorSummary(summary);
  main.querySelectorAll("form[data-upload-form]").forEach(enhance);
}

document.querySelectorAll("form[data-upload-form]").forEach(enhance);
