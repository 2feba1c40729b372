// Small behaviours that htmx attributes do not cover. Loaded as a file: the
// Content-Security-Policy forbids inline scripts.
"use strict";

document.addEventListener("htmx:afterSwap", (event) => {
  // After a swap, move focus to a heading inside the new content so screen
  // readers and keyboards follow the change.
  const heading = event.detail.target.querySelector("[data-focus-on-swap]");
  if (heading) heading.focus();
});
