// FieldCert service worker. Pages: network first, falling back to the copy saved on this
// phone, and only the signed-in person's own pages are saved. Static assets: cache first,
// in a cache named after their version. htmx requests and anything but GET: network only.
"use strict";
const VERSION = {{ version|tojson }};
const STATIC_CACHE = `fieldcert-static-${VERSION}`;
// The person's data, not the code: kept across deploys, emptied at sign-out.
const PAGES_CACHE = "fieldcert-pages";
const STATIC_PREFIX = {{ static_prefix|tojson }};
const PRECACHE = {{ precache|tojson }};
const OFFLINE_URL = {{ offline_url|tojson }};
const OFFLINE_LIST_URL = {{ offline_list_url|tojson }};
const SYNC_TAG = "send-submissions";
// Texts the worker shows itself, in the language of the person who installed or last updated it.
const NO_SIGNAL_TEXT = {{ _("No signal, and this page is not saved on this phone.")|tojson }};
// The credential verifier, its key set and revocation list: public, the same for everyone, kept
// through sign-out so an inspector checks codes without signal; refreshed whenever online.
const VERIFIER_CACHE = "fieldcert-verifier";
const VERIFIER_URLS = {{ verifier_urls|tojson }};

importScripts({{ queue_script|tojson }});

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(STATIC_CACHE);
    await cache.addAll(PRECACHE);
    // The offline page is the same for everyone, so it is fetched signed out.
    const offline = await fetch(OFFLINE_URL, { credentials: "omit" });
    if (offline.ok) await cache.put(OFFLINE_URL, offline);
    await Promise.allSettled(VERIFIER_URLS.map(refreshVerifier));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(
      names.filter((name) => name.startsWith("fieldcert-static-") && name !== STATIC_CACHE).map((name) => caches.delete(name)),
    );
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || request.method !== "GET" || request.headers.has("HX-Request")) return;
  if (VERIFIER_URLS.includes(url.pathname)) event.respondWith(verifierFirst(event, url));
  else event.respondWith(url.pathname.startsWith(STATIC_PREFIX) ? cacheFirst(request) : networkFirst(request));
});

// Fetched signed out, so the saved verifier never holds anyone's menu or form token.
async function refreshVerifier(path) {
  const response = await fetch(path, { credentials: "omit" });
  if (response.ok) await (await caches.open(VERIFIER_CACHE)).put(path, response.clone());
  return response;
}

async function verifierFirst(event, url) {
  try {
    // The page as this person sees it, while the saved copy is refreshed signed out.
    const response = await fetch(event.request);
    if (response.ok) event.waitUntil(refreshVerifier(url.pathname).catch(() => null));
    return response;
  } catch (error) {
    const cached = await (await caches.open(VERIFIER_CACHE)).match(url.pathname);
    if (cached) return markAsSavedCopy(cached);
    throw error;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(STATIC_CACHE);
  const hit = await cache.match(request);
  if (hit) return hit;
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    // A page saved before a deploy names the old version; the current asset serves it.
    const fallback = await cache.match(request, { ignoreSearch: true });
    if (fallback) return fallback;
    throw error;
  }
}

async function savedList() {
  const cache = await caches.open(PAGES_CACHE);
  const response = await cache.match(OFFLINE_LIST_URL);
  return response ? response.json() : null;
}

function entriesOf(list) {
  return list ? [...list.pages, ...list.files] : [];
}

async function isSaved(url) {
  const here = url.pathname + url.search;
  return entriesOf(await savedList()).some((entry) => entry.url === here);
}

async function networkFirst(request) {
  const url = new URL(request.url);
  const saved = await isSaved(url);
  try {
    const response = await fetch(request);
    if (saved && response.ok && !response.redirected) {
      const cache = await caches.open(PAGES_CACHE);
      await cache.put(url.pathname + url.search, response.clone());
    }
    return response;
  } catch (error) {
    const cached = saved && (await caches.open(PAGES_CACHE).then((cache) => cache.match(url.pathname + url.search, { ignoreVary: true })));
    if (cached) return markAsSavedCopy(cached);
    if (request.mode === "navigate") return offlinePage();
    throw error;
  }
}

// The page says "saved copy" (and when it was made) when this marker is on <html>.
async function markAsSavedCopy(response) {
  if (!(response.headers.get("Content-Type") || "").startsWith("text/html")) return response;
  const body = (await response.text()).replace("<html ", "<html data-saved-copy ");
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

async function offlinePage() {
  const cache = await caches.open(STATIC_CACHE);
  return (await cache.match(OFFLINE_URL)) ||
    new Response(NO_SIGNAL_TEXT, { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

// Saves the signed-in person's own pages and files, as listed by the server.
async function saveOffline() {
  const listResponse = await fetch(OFFLINE_LIST_URL, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!listResponse.ok || listResponse.redirected) throw new Error("The list of pages to save was refused.");
  const list = await listResponse.clone().json();
  const previous = await savedList();
  // Another person's pages never stay beside this person's.
  if (previous && previous.user !== list.user) await caches.delete(PAGES_CACHE);
  const cache = await caches.open(PAGES_CACHE);
  const wanted = new Set(entriesOf(list).map((entry) => new URL(entry.url, self.location.origin).href));
  for (const key of await cache.keys()) {
    if (!wanted.has(key.url)) await cache.delete(key);
  }
  // A stored file never changes under its address, so one already saved is not fetched again.
  const fresh = [...list.pages, ...(await Promise.all(list.files.map(async (entry) => ((await cache.match(entry.url)) ? null : entry)))).filter(Boolean)];
  const results = await Promise.allSettled(fresh.map(async (entry) => {
    const response = await fetch(entry.url, { credentials: "same-origin" });
    if (!response.ok || response.redirected) throw new Error(`${entry.url} was not saved.`);
    await cache.put(entry.url, response);
  }));
  await cache.put(OFFLINE_LIST_URL, listResponse);
  return {
    pages: list.pages.length,
    files: list.files.length,
    failed: results.filter((result) => result.status === "rejected").length,
  };
}

async function tellClients(message) {
  const clients = await self.clients.matchAll({ includeUncontrolled: true });
  clients.forEach((client) => client.postMessage(message));
}

async function sendQueue() {
  const outcomes = await FieldCertQueue.send();
  await tellClients({ type: "queue-changed", outcomes });
  // Background Sync tries again later when something is still waiting for signal.
  if (outcomes.includes("waiting")) throw new Error("Still no signal.");
}

self.addEventListener("message", (event) => {
  const type = event.data && event.data.type;
  if (type === "save-offline") {
    event.waitUntil(saveOffline().then(
      (saved) => event.source.postMessage({ type: "saved-offline", ...saved }),
      () => event.source.postMessage({ type: "save-offline-failed" }),
    ));
  } else if (type === "sign-out") {
    event.waitUntil(Promise.all([caches.delete(PAGES_CACHE), FieldCertQueue.clear()]).then(
      () => event.source.postMessage({ type: "signed-out" }),
    ));
  }
});

self.addEventListener("sync", (event) => {
  if (event.tag === SYNC_TAG) event.waitUntil(sendQueue());
});

// Web Push: a notice arrives as {title, body, url, tag}. Shown even with no page open; a newer
// push about the same certification replaces the older one (same tag).
self.addEventListener("push", (event) => {
  let notice;
  try {
    notice = event.data.json();
  } catch {
    notice = { title: "FieldCert", body: event.data ? event.data.text() : "", url: "/" };
  }
  event.waitUntil(self.registration.showNotification(notice.title, {
    body: notice.body,
    tag: notice.tag,
    icon: {{ url_for('static', filename='icons/icon-192.png')|tojson }},
    badge: {{ url_for('static', filename='icons/maskable-192.png')|tojson }},
    data: { url: notice.url },
  }));
});

// A tap opens the notice's page: in a FieldCert tab already open if there is one, else a new one.
// Only our own pages: the address comes from the push, so anything else opens the home page.
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const wanted = new URL(event.notification.data && event.notification.data.url || "/", self.location.origin);
  const url = wanted.origin === self.location.origin ? wanted.href : new URL("/", self.location.origin).href;
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
    if (open) {
      // Focus needs the tap's user activation, which some browsers do not pass on: navigate anyway.
      await open.focus().catch(() => {});
      return open.navigate(url);
    }
    return self.clients.openWindow(url);
  })());
});
