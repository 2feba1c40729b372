// Small behaviours that htmx attributes do not cover. Loaded as a file: the
// Content-Security-Policy forbids inline scripts.
"use strict";

const text = pageText;  // static/js/texts.js

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

// The header's Admin group is a <details> and works without this; this only closes an open group
// when Escape is pressed (focus back on its summary) or when a click lands outside it.
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  const group = document.activeElement?.closest?.(".nav-group > details[open]");
  if (group) {
    group.open = false;
    group.querySelector("summary").focus();
  }
});
document.addEventListener("click", (event) => {
  document.querySelectorAll(".nav-group > details[open]").forEach((group) => {
    if (!group.contains(event.target)) group.open = false;
  });
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

// A plain form with data-confirm="question" is sent only once the person agrees: hx-confirm
// asks before htmx requests only, and does nothing on a form htmx does not send.
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);

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

// Date fields with data-complete-date send "date-complete" (what their live previews listen to)
// once the year has four digits, not on each digit: a date picker reports 0002, 0020, 0202
// while "2026" is typed, and a preview of each would show wrong expirations. Leaving the field
// sends it too, so a date the server refuses gets its message.
const COMPLETE_DATE = /^([1-9]\d{3}-\d{2}-\d{2}|\d{1,2}[./-]\d{1,2}[./-]\d{4})$/;
function sendDateComplete(input) {
  if (input.dataset.sentValue === input.value) return;
  input.dataset.sentValue = input.value;
  input.dispatchEvent(new CustomEvent("date-complete", { bubbles: true }));
}
document.addEventListener("change", (event) => {
  const input = event.target.closest("[data-complete-date]");
  if (input && COMPLETE_DATE.test(input.value.trim())) sendDateComplete(input);
});
document.addEventListener("focusout", (event) => {
  const input = event.target.closest("[data-complete-date]");
  if (input) sendDateComplete(input);
});

// Reports: a button with data-print opens the browser's print dialog (the QR wallet card).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});

// ---- Field use without signal: the service worker, saved pages and the submission queue ----

const serviceWorkerUrl = document.querySelector("meta[name=service-worker]")?.content;
if (serviceWorkerUrl && "serviceWorker" in navigator) {
  // After the page has loaded, so installing it never competes with the first paint.
  window.addEventListener("load", () => navigator.serviceWorker.register(serviceWorkerUrl, { scope: "/" }));
}

// The service worker's cache of the person's own pages (sw.js names it the same).
const PAGES_CACHE = "fieldcert-pages";

function tellServiceWorker(message) {
  if (!("serviceWorker" in navigator)) return Promise.resolve(false);
  return navigator.serviceWorker.ready.then((registration) => {
    registration.active.postMessage(message);
    return true;
  });
}

function formatStamp(iso) {
  const when = new Date(iso);
  return when.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

// A page the service worker served from the phone because there is no signal says so,
// with the time the server made it: when its data was last refreshed.
document.addEventListener("DOMContentLoaded", () => {
  const root = document.documentElement;
  if (!root.hasAttribute("data-saved-copy")) return;
  const notice = document.createElement("p");
  notice.className = "saved-copy-notice";
  notice.setAttribute("role", "status");
  const time = document.createElement("time");
  time.dateTime = root.dataset.renderedAt;
  time.textContent = formatStamp(root.dataset.renderedAt);
  const [before, after = ""] = text("savedCopy").split("%(time)s");
  notice.append(before, time, after);
  document.getElementById("main")?.prepend(notice);
});

// My Certifications, opened with signal, asks the service worker to save the person's own
// pages and files for use without signal.
document.addEventListener("DOMContentLoaded", () => {
  const status = document.querySelector("[data-save-offline]");
  if (!status || document.documentElement.hasAttribute("data-saved-copy") || !navigator.onLine) return;
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.addEventListener("message", (event) => {
    if (event.data.type === "saved-offline") {
      status.textContent = event.data.failed
        ? text("savedExcept", { failed: event.data.failed })
        : text("saved", { pages: event.data.pages, files: event.data.files });
      status.dataset.saved = "true";
    } else if (event.data.type === "save-offline-failed") {
      status.textContent = text("notSaved");
    }
  });
  status.textContent = text("saving");
  tellServiceWorker({ type: "save-offline" });
});

// The sign-in page, reached with signal, means nobody is signed in (a session that ended without
// sign-out too): the last person's saved pages go. Their unsent submissions stay, to be sent or
// refused (and shown) when they sign in again.
document.addEventListener("DOMContentLoaded", () => {
  if (document.querySelector("[data-nobody-signed-in]") && navigator.onLine && "caches" in window) {
    caches.delete(PAGES_CACHE);
  }
});

// The offline page lists what is saved on this phone.
document.addEventListener("DOMContentLoaded", async () => {
  const target = document.querySelector("[data-offline-links]");
  if (!target || !("caches" in window)) return;
  const saved = await caches.match(target.dataset.offlineLinks, { cacheName: PAGES_CACHE });
  if (!saved) return;
  const { pages, files } = await saved.json();
  [...pages, ...files].filter((entry) => entry.listed).forEach((entry) => {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = entry.url;
    link.textContent = entry.title;
    item.append(link);
    target.append(item);
  });
  target.closest("[hidden]")?.removeAttribute("hidden");
});

const NEEDS_SIGNAL = text("needsSignal");

// An alert at the top of the page, or of the open dialog the action came from (a modal
// dialog makes the page behind it unreachable). One at a time: a newer one replaces it.
function showAlert(text, near) {
  const place = near?.closest?.("dialog[open]") || document.getElementById("main");
  if (!place) return null;
  document.querySelectorAll(".action-alert").forEach((old) => old.remove());
  const notice = document.createElement("p");
  notice.className = "flash flash-error action-alert";
  notice.setAttribute("role", "alert");
  notice.textContent = text;
  place.prepend(notice);
  return notice;
}

function showConnectionNotice(text, near) {
  const notice = showAlert(text, near);
  window.addEventListener("online", () => notice?.remove(), { once: true });
}

// An htmx request without signal: say so, instead of doing nothing.
document.addEventListener("htmx:sendError", (event) => {
  showConnectionNotice(NEEDS_SIGNAL, event.detail.elt);
});

// The server's reason for refusing an htmx request (its error page's title and message),
// so a refused action is never silent: the config swaps nothing on 4xx/5xx.
function refusalReason(xhr) {
  const page = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
  const title = page.getElementById("error-title")?.textContent.trim();
  const message = page.getElementById("error-message")?.textContent.trim();
  if (title && message) return `${title}: ${message}`;
  return text("refused", { status: `${xhr.status} ${xhr.statusText || "error"}` });
}

// A refusal that brings its own outcome (a table row saying why) is shown where the action was.
document.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.xhr.getResponseHeader("FieldCert-Outcome-In-Place")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

document.addEventListener("htmx:responseError", (event) => {
  showAlert(text("nothingChanged", { reason: refusalReason(event.detail.xhr) }), event.detail.elt);
});

// The next action starts afresh: an old refusal must not look like its outcome.
document.addEventListener("htmx:beforeRequest", () => {
  document.querySelectorAll(".action-alert").forEach((old) => old.remove());
});

// Submit Certification without signal: kept in the queue, shown as waiting, sent later.
function currentCsrfToken() {
  return document.querySelector("input[name=csrf_token]")?.value;
}

// An icon of the sprite (templates/_macros.html `icon`), for content made here.
function icon(name) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("class", "icon");
  svg.setAttribute("aria-hidden", "true");
  const use = document.createElementNS("http://www.w3.org/2000/svg", "use");
  use.setAttribute("href", `${document.querySelector("meta[name=icon-sprite]")?.content}#${name}`);
  svg.append(use);
  return svg;
}

async function showQueue() {
  const box = document.querySelector("[data-submit-queue]");
  if (!box || !self.FieldCertQueue) return;
  const items = await FieldCertQueue.list();
  const list = box.querySelector("ul");
  list.replaceChildren(...items.map((item) => {
    const entry = document.createElement("li");
    entry.className = `queued queued-${item.state}`;
    const label = document.createElement("strong");
    label.append(...(item.state === "refused" ? [icon("expired"), ` ${text("queuedRefused")}`] : [icon("waiting"), ` ${text("queuedWaiting")}`]));
    entry.append(label, ` ${item.label}`);
    if (item.state === "refused") {
      const reason = document.createElement("p");
      reason.className = "error";
      reason.textContent = text("why", { message: item.reason ? text(item.reason) : item.message });
      const edit = document.createElement("button");
      edit.type = "button";
      edit.className = "button primary";
      edit.dataset.editQueued = item.key;
      edit.textContent = text("openAgain");
      const retry = document.createElement("button");
      retry.type = "button";
      retry.className = "button";
      retry.dataset.retryQueued = item.key;
      retry.textContent = text("retry");
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "button danger";
      remove.dataset.removeQueued = item.key;
      remove.textContent = text("remove");
      const actions = document.createElement("div");
      actions.className = "button-row";
      actions.append(edit, retry, remove);
      entry.append(reason, actions);
    }
    return entry;
  }));
  box.hidden = items.length === 0;
}

// Whoever sent them (this page, or the service worker by Background Sync), the person is told,
// and "waiting to send" no longer shows once nothing waits.
async function reportSent(outcomes) {
  const sent = outcomes.filter((outcome) => outcome === "sent").length;
  const refused = outcomes.filter((outcome) => outcome === "refused").length;
  const status = document.querySelector("[data-submit-queue-status]");
  if (status && (sent || refused)) {
    status.textContent = [
      sent ? text("sent", { count: sent }) : "",
      refused ? text("refusedSome", { count: refused }) : "",
    ].filter(Boolean).join(" ");
  }
  await showQueue();
}

async function sendQueue() {
  if (!self.FieldCertQueue || !navigator.onLine) return;
  reportSent(await FieldCertQueue.send());
}

// A refused submission goes back into the Submit Certification form (on this page, or the
// form's page at #queued=KEY) to be corrected; it leaves the queue when that form is sent.
const EDIT_QUEUED = "#queued=";

async function openQueuedInForm(key) {
  const form = document.querySelector("form[data-offline-queue]");
  const item = self.FieldCertQueue && (await FieldCertQueue.list()).find((candidate) => candidate.key === key);
  if (!form || !item) return;
  item.fields.forEach(([name, value]) => {
    const input = form.elements.namedItem(name);
    if (input && !["csrf_token", "idempotency_key"].includes(name)) input.value = value;
  });
  const chosen = new Map();
  item.files.forEach(([name, file]) => {
    if (!chosen.has(name)) chosen.set(name, new DataTransfer());
    chosen.get(name).items.add(file);
  });
  chosen.forEach((transfer, name) => {
    const input = form.elements.namedItem(name);
    if (input) input.files = transfer.files;
  });
  form.dataset.replacesQueued = key;
  const status = document.querySelector("[data-submit-queue-status]");
  if (status) status.textContent = text("backInForm", { label: item.label });
  form.elements.namedItem("certification")?.focus();
}

document.addEventListener("click", (event) => {
  const edit = event.target.closest("[data-edit-queued]");
  if (!edit) return;
  if (document.querySelector("form[data-offline-queue]")) {
    openQueuedInForm(edit.dataset.editQueued);
  } else {
    window.location.assign(`${edit.closest("[data-submit-url]").dataset.submitUrl}${EDIT_QUEUED}${edit.dataset.editQueued}`);
  }
});

document.addEventListener("DOMContentLoaded", () => {
  if (window.location.hash.startsWith(EDIT_QUEUED)) openQueuedInForm(window.location.hash.slice(EDIT_QUEUED.length));
});

document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-replaces-queued]");
  if (!form || event.defaultPrevented) return;
  FieldCertQueue.remove(form.dataset.replacesQueued);
  delete form.dataset.replacesQueued;
}, true);

document.addEventListener("submit", async (event) => {
  const form = event.target.closest("form[data-offline-queue]");
  if (!form || navigator.onLine || event.defaultPrevented) return;
  event.preventDefault();
  const key = crypto.randomUUID().replaceAll("-", "");
  const fields = [];
  const files = [];
  for (const [name, value] of new FormData(form)) {
    if (value instanceof File) {
      if (value.size) files.push([name, value]);
    } else {
      fields.push([name, name === "idempotency_key" ? key : value]);
    }
  }
  const certification = form.querySelector("select[name=certification]");
  const completed = form.querySelector("[name=completed_on]").value.replace(/^(\d{4})-(\d{2})-(\d{2})$/, "$2/$3/$1");
  await FieldCertQueue.add({
    key,
    userId: form.dataset.user,
    action: form.action,
    fields,
    files,
    label: text("queuedLabel", { certification: certification.selectedOptions[0].textContent, completed }),
  });
  form.reset();
  form.querySelector("[name=idempotency_key]").value = crypto.randomUUID().replaceAll("-", "");
  const status = document.querySelector("[data-submit-queue-status]");
  if (status) status.textContent = text("queued");
  showQueue();
  const registration = await navigator.serviceWorker?.ready;
  registration?.sync?.register("send-submissions").catch(() => {});
}, true);

document.addEventListener("click", async (event) => {
  const retry = event.target.closest("[data-retry-queued]");
  if (retry) {
    await reportSent(await FieldCertQueue.retry(retry.dataset.retryQueued, currentCsrfToken()));
    return;
  }
  const remove = event.target.closest("[data-remove-queued]");
  if (remove && window.confirm(text("removeQueued"))) {
    await FieldCertQueue.remove(remove.dataset.removeQueued);
    showQueue();
  }
});

navigator.serviceWorker?.addEventListener("message", (event) => {
  if (event.data.type === "queue-changed") reportSent(event.data.outcomes);
});
document.addEventListener("DOMContentLoaded", () => showQueue().then(sendQueue));
window.addEventListener("online", sendQueue);

// Approvals and every other change but Submit Certification need signal: say so, keep the form.
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[method=post]");
  if (!form || navigator.onLine || form.matches("[data-offline-queue], [data-sign-out]")) return;
  event.preventDefault();
  event.stopImmediatePropagation();
  showConnectionNotice(NEEDS_SIGNAL);
}, true);

// Sign-out empties what this phone kept of the person, so the next person sees nothing of it.
document.addEventListener("submit", async (event) => {
  const form = event.target.closest("form[data-sign-out]");
  if (!form || form.dataset.cleared) return;
  event.preventDefault();
  const waiting = self.FieldCertQueue ? (await FieldCertQueue.list()).length : 0;
  if (waiting && !window.confirm(text("signOutWaiting", { count: waiting }))) return;
  const cleared = [];
  if ("caches" in window) cleared.push(caches.delete(PAGES_CACHE));
  if (self.FieldCertQueue) cleared.push(FieldCertQueue.clear());
  cleared.push(tellServiceWorker({ type: "sign-out" }));
  // Clear-Site-Data on the answer clears the rest; waiting is only so this goes first.
  await Promise.race([Promise.allSettled(cleared), new Promise((resolve) => setTimeout(resolve, 1500))]);
  if (!navigator.onLine) {
    showConnectionNotice(text("signOutOffline"));
    return;
  }
  form.dataset.cleared = "true";
  form.submit();
});

// Copy buttons: data-copy="ID" copies the value of the field with that id, and says so in the
// element with data-copy-status="ID". Without the clipboard (plain HTTP), the field is selected
// so the person can copy it themselves.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const field = document.getElementById(button.dataset.copy);
  const status = document.querySelector(`[data-copy-status="${button.dataset.copy}"]`);
  if (!field) return;
  try {
    await navigator.clipboard.writeText(field.value);
    if (status) status.textContent = text("copied");
  } catch {
    field.select();
    if (status) status.textContent = text("selected");
  }
});

// My Account: turn on push notifications for this browser. The button shows only where the
// browser can take pushes; the subscription goes to the server with the page's CSRF token.
function setUpPush() {
  const box = document.querySelector("[data-push-key]");
  const status = document.querySelector("[data-push-status]");
  if (!box || !("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return;
  box.hidden = false;
  status.textContent = Notification.permission === "denied"
    ? text("pushBlocked") : "";
  box.querySelector("[data-push-on]").addEventListener("click", async () => {
    if (await Notification.requestPermission() !== "granted") {
      status.textContent = text("pushDenied");
      return;
    }
    status.textContent = text("pushTurningOn");
    try {
      const registration = await navigator.serviceWorker.ready;
      const subscription = await registration.pushManager.subscribe({
        userVisibleOnly: true, applicationServerKey: box.dataset.pushKey,
      });
      const response = await fetch(box.dataset.pushUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": currentCsrfToken() },
        body: JSON.stringify({ ...subscription.toJSON(), device: deviceName() }),
      });
      if (!response.ok) throw new Error((await response.json()).error);
      window.location.reload();
    } catch (error) {
      status.textContent = text("pushFailed", { error: error.message });
    }
  });
}

function deviceName() {
  const agent = navigator.userAgent;
  const system = ["Android", "iPhone", "iPad", "Windows", "Mac OS", "Linux"].find((name) => agent.includes(name));
  const browser = ["Edg", "Firefox", "Chrome", "Safari"].find((name) => agent.includes(name));
  return `${browser === "Edg" ? "Edge" : browser || "A browser"} on ${system || "a device"}`;
}

document.addEventListener("DOMContentLoaded", setUpPush);
