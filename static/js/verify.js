// The credential verifier page: scans or takes a pasted code and checks it in the browser, with the
// key set and revocation list kept on the phone, so it works with no signal once opened.
import { verifyCredential } from "./credential.js";

const STORE = "fieldcert-verifier-lists";
const page = document.querySelector(".verifier");
const form = page.querySelector("[data-verify-form]");
const keyStatus = page.querySelector("[data-key-status]");
const result = page.querySelector("[data-result]");

function formatDate(isoDate) {
  const [year, month, day] = isoDate.split("-");
  return `${month}/${day}/${year}`;
}

function formatMoment(seconds) {
  const iso = new Date(seconds * 1000).toISOString();
  return `${formatDate(iso.slice(0, 10))} ${iso.slice(11, 16)} UTC`;
}

async function fetchJson(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" }, cache: "no-cache" });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

// The lists as last fetched: the service worker keeps them too, this copy survives without one.
async function loadLists() {
  try {
    const [keys, revocations] = await Promise.all([fetchJson(page.dataset.keysUrl), fetchJson(page.dataset.revocationsUrl)]);
    const lists = { keys, revocations, fetchedAt: Math.floor(Date.now() / 1000) };
    localStorage.setItem(STORE, JSON.stringify(lists));
    return lists;
  } catch (error) {
    const kept = localStorage.getItem(STORE);
    return kept ? JSON.parse(kept) : null;
  }
}

let lists = null;
function refreshLists() {
  return loadLists().then((loaded) => {
    lists = loaded;
    keyStatus.textContent = lists
      ? pageText("keysAsOf", { moment: formatMoment(lists.fetchedAt) })
      : pageText("keysMissing");
  });
}
const ready = refreshLists();
// Signal back: a key rotated or a card revoked meanwhile counts from the next check.
window.addEventListener("online", refreshLists);

function statusBadge(status) {
  const badge = page.querySelector(`[data-status-badges]`).content.querySelector(`[data-status="${CSS.escape(status)}"]`);
  if (badge) return badge.cloneNode(true);
  const text = document.createElement("span");
  text.textContent = status;
  return text;
}

function show(outcome) {
  result.querySelectorAll("[data-verdict]").forEach((line) => { line.hidden = line.dataset.verdict !== outcome.verdict; });
  result.querySelector("[data-reason]").textContent = pageText(outcome.reason);
  const details = result.querySelector("[data-details]");
  const credential = outcome.credential;
  details.hidden = !credential;
  if (credential) {
    details.querySelector("[data-holder]").textContent = credential.holderName;
    details.querySelector("[data-organisation]").textContent = credential.organisation || "";
    details.querySelector("[data-issued]").textContent = formatMoment(credential.issuedAt);
    details.querySelector("[data-not-after]").textContent = formatMoment(credential.notAfter);
    details.querySelector("[data-certifications]").replaceChildren(...credential.certifications.map((c) => {
      const item = document.createElement("li");
      item.append(`${c.name}: `, statusBadge(c.status), c.expiresOn ? ` ${pageText("expires", { day: formatDate(c.expiresOn) })}` : "");
      return item;
    }));
    const live = details.querySelector("[data-live-link]");
    const url = new URL(credential.reportUrl, location.href);
    live.hidden = !navigator.onLine || !["http:", "https:"].includes(url.protocol);
    live.querySelector("a").href = url.href;
  }
  result.hidden = false;
}

async function check(code) {
  await ready;
  if (!lists) {
    show({ verdict: "forged", credential: null, reason: pageText("noKeys") });
    return;
  }
  show(await verifyCredential(code, lists.keys, lists.revocations, Math.floor(Date.now() / 1000)));
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  check(form.elements.code.value);
});

// Camera scanning where the browser has BarcodeDetector; pasting works everywhere.
if ("BarcodeDetector" in window) {
  const scanner = page.querySelector("[data-scanner]");
  const video = page.querySelector("[data-camera]");
  const start = page.querySelector("[data-scan]");
  const stop = page.querySelector("[data-stop-scan]");
  let stream = null;
  const stopCamera = () => {
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    video.hidden = true;
    stop.hidden = true;
    start.hidden = false;
  };
  const scan = async (detector) => {
    if (!stream) return;
    const codes = await detector.detect(video).catch(() => []);
    const found = codes.find((c) => c.rawValue.startsWith("FC1:"));
    if (found) {
      stopCamera();
      form.elements.code.value = found.rawValue;
      check(found.rawValue);
    } else {
      requestAnimationFrame(() => scan(detector));
    }
  };
  scanner.hidden = false;
  start.addEventListener("click", async () => {
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    } catch (error) {
      keyStatus.textContent = pageText("noCamera");
      return;
    }
    video.srcObject = stream;
    video.hidden = false;
    stop.hidden = false;
    start.hidden = true;
    await video.play();
    scan(new BarcodeDetector({ formats: ["qr_code"] }));
  });
  stop.addEventListener("click", stopCamera);
}

// A code given in the address (the form sent without this script) is checked here too.
if (form.elements.code.value.trim()) check(form.elements.code.value);
