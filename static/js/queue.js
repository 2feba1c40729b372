// Submissions made without signal wait in IndexedDB until they can be sent. Shared by the
// pages and the service worker (importScripts), so a page and Background Sync send the
// same way, one at a time. Each carries its idempotency key: the server stores it once.
"use strict";
self.FieldCertQueue = (() => {
  const DB_NAME = "fieldcert";
  const STORE = "submissions";
  const LOCK = "fieldcert-submissions";

  function openDatabase() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "key" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function inStore(mode, operation) {
    const db = await openDatabase();
    return new Promise((resolve, reject) => {
      const transaction = db.transaction(STORE, mode);
      const request = operation(transaction.objectStore(STORE));
      transaction.oncomplete = () => { db.close(); resolve(request.result); };
      transaction.onerror = transaction.onabort = () => { db.close(); reject(transaction.error); };
    });
  }

  const list = () => inStore("readonly", (store) => store.getAll());
  const save = (item) => inStore("readwrite", (store) => store.put(item));
  const remove = (key) => inStore("readwrite", (store) => store.delete(key));

  // Why the server refused a submission, in words the person can act on: the server's own messages (in the
  // person's language), else the key of a page text (webapp/i18n.py browser_texts), written in the language of
  // the page that shows it: this file runs in the service worker too, which has no page texts.
  async function refusal(response) {
    // Signed out, the session's form token is gone too, so both answers mean the same to the person.
    if (response.type === "opaqueredirect" || response.status === 401 || response.status === 400) {
      return { message: "", reason: "queueSignedOut" };
    }
    if (response.status === 409 || response.status === 422) {
      const answer = await response.json().catch(() => ({ errors: {} }));
      const messages = Object.values(answer.errors || {}).flat();
      if (messages.length) return { message: messages.join(" "), reason: "" };
    }
    return { message: "", reason: "queueRefused" };
  }

  // "sent", "waiting" (no signal or a server fault: try again later) or "refused".
  async function sendOne(item) {
    const body = new FormData();
    item.fields.forEach(([name, value]) => body.append(name, value));
    item.files.forEach(([name, file]) => body.append(name, file, file.name));
    let response;
    try {
      response = await fetch(item.action, {
        method: "POST",
        body,
        credentials: "same-origin",
        redirect: "manual",
        headers: { Accept: "application/json", "X-Queued-By": String(item.userId) },
      });
    } catch (error) {
      return "waiting";
    }
    if (response.ok) {
      await remove(item.key);
      return "sent";
    }
    if (response.status >= 500) return "waiting";
    await save({ ...item, state: "refused", ...(await refusal(response)) });
    return "refused";
  }

  async function sendWaiting() {
    const waiting = (await list()).filter((item) => item.state === "waiting");
    const outcomes = [];
    for (const item of waiting) outcomes.push(await sendOne(item));
    return outcomes;
  }

  return {
    list,
    remove,
    // Keeps a submission made without signal; `fields` and `files` are [name, value] pairs.
    add(item) {
      return save({ ...item, state: "waiting", message: "", reason: "", queuedAt: new Date().toISOString() });
    },
    send() {
      return navigator.locks ? navigator.locks.request(LOCK, sendWaiting) : sendWaiting();
    },
    // Sends a refused submission again, with the current form token.
    async retry(key, csrfToken) {
      const item = (await list()).find((candidate) => candidate.key === key);
      if (!item) return [];
      const fields = item.fields.map(([name, value]) => [name, name === "csrf_token" && csrfToken ? csrfToken : value]);
      await save({ ...item, fields, state: "waiting", message: "", reason: "" });
      return this.send();
    },
    clear() {
      return new Promise((resolve) => {
        const request = indexedDB.deleteDatabase(DB_NAME);
        request.onsuccess = request.onerror = request.onblocked = () => resolve();
      });
    },
  };
})();
