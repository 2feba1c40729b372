// The page's texts in its language (webapp/i18n.py browser_texts, in <meta name="texts">):
// pageText("saved", { pages: 3 }) fills in %(pages)s. A text without an entry is shown as its key.
"use strict";

const PAGE_TEXTS = JSON.parse(document.querySelector('meta[name="texts"]')?.content || "{}");

function pageText(key, values = {}) {
  return Object.entries(values).reduce((written, [name, value]) => written.split(`%(${name})s`).join(value),
    PAGE_TEXTS[key] || key);
}
