// Small behaviours that htmx attributes do not cover. Loaded as a file: the
// Content-Security-Policy forbids inline scripts.
"use strict";

document.addEventListener("htmx:afterSwap", (event) => {
  // After a swap, move focus to a heading inside the new content so screen
  // readers and keyboards follow the change.
  const heading = event.detail.target.querySelector("[data-focus-on-swap]");
  if (heading) heading.focus();
});

// Supervising: modal dialogs. A button with data-open-dialog="ID" opens <dialog id=ID>
// as a modal; a button with data-close-dialog closes the dialog around it.
document.addEventListener("click", (event) => {
  const opener = event.target.closest("[data-open-dialog]");
  if (opener) {
    const dialog = document.getElementById(opener.dataset.openDialog);
    if (dialog && !dialog.open) dialog.showModal();
    return;
  }
  const closer = event.target.closest("[data-close-dialog]");
  if (closer) {
    const dialog = closer.closest("dialog");
    if (dialog) dialog.close();
  }
});

// My Account: a form with data-disable-on-submit disables its buttons once sent, so a
// double tap sends it once (the server also stores one submission per idempotency key).
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-disable-on-submit]");
  if (!form || event.defaultPrevented) return;
  setTimeout(() => {
    form.querySelectorAll("button[type=submit], input[type=submit]").forEach((button) => {
      button.disabled = true;
    });
  }, 0);
});

// Administration: a checkbox with data-implies="ID" checks and locks checkbox ID while it
// is checked (hiding a certification hides its attachments; required at login implies
// auto-approval). The server applies the same rule, so this is only what the user sees.
function syncImplied(root) {
  root.querySelectorAll("[data-implies]").forEach((source) => {
    const target = document.getElementById(source.dataset.implies);
    if (!target) return;
    if (source.checked) target.checked = true;
    target.disabled = source.checked;
  });
}
document.addEventListener("change", (event) => {
  if (event.target.matches("[data-implies]")) syncImplied(document);
  const all = event.target.closest("[data-select-all]");
  if (all) {
    document.querySelectorAll(`input[type=checkbox][name="${all.dataset.selectAll}"]`).forEach((box) => {
      box.checked = all.checked;
    });
  }
});
document.addEventListener("DOMContentLoaded", () => syncImplied(document));

// Supervising: a form with data-confirm-no-attachment asks before it is sent
// without any file or link.
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm-no-attachment]");
  if (!form) return;
  const hasFile = [...form.querySelectorAll("input[type=file]")].some((input) => input.files.length > 0);
  const hasLink = [...form.querySelectorAll("textarea[name=links]")].some((area) => area.value.trim() !== "");
  if (!hasFile && !hasLink && !window.confirm(form.dataset.confirmNoAttachment)) {
    event.preventDefault();
  }
}, true);

// Supervising: in a [data-move-lists] box, ticking a user moves them to the
// "selected" list and unticking moves them back to "available".
document.addEventListener("change", (event) => {
  const box = event.target.closest("[data-move-lists]");
  if (!box || event.target.name !== "users") return;
  const item = event.target.closest("li");
  const list = box.querySelector(`[data-list="${event.target.checked ? "selected" : "available"}"]`);
  if (item && list) list.appendChild(item);
});

// Reports: a button with data-print opens the browser's print dialog (the QR wallet card).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
