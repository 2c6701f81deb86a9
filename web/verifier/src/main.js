// The offline verifier's page: reads a code (camera, photo, PDF, pasted text), checks it with
// the lists kept on this device, and shows the verdict and the claims in the page's language.
// Every sentence comes translated from the server, in the page's settings (a JSON block).
import { academyNames, academySlugs, loadKept, refresh } from "./lists.js";
import { Camera, codesInPdf, codesInPhoto } from "./reader.js";
import { verify } from "./verify.js";

const settings = JSON.parse(document.getElementById("verifier-settings").textContent);
const $ = (id) => document.getElementById(id);
let kept = { trust: null, statusLists: {} };

function say(key, values = {}) {
  const text = settings.texts[key] || key;
  return text.replace(/%\((\w+)\)s/g, (_, name) => (name in values ? String(values[name]) : ""));
}

const dayFormat = new Intl.DateTimeFormat(settings.locale, { dateStyle: "long", timeZone: "UTC" });
const momentFormat = new Intl.DateTimeFormat(settings.locale, { dateStyle: "long", timeStyle: "short" });

function formatDay(iso) {
  const moment = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(moment.getTime()) ? String(iso) : dayFormat.format(moment);
}

function formatMoment(iso) {
  const moment = new Date(iso);
  return Number.isNaN(moment.getTime()) ? String(iso || "") : momentFormat.format(moment);
}

function academyName(slug) {
  if (!kept.trust) return slug;
  const names = academyNames(kept.trust, slug);
  return names[settings.language] || names[settings.locale] || Object.values(names)[0] || slug;
}

// An empty note is hidden, except a live region: it must stay in place to be read out when it
// changes.
function setText(element, text) {
  element.textContent = text || "";
  element.hidden = !text && element.getAttribute("role") !== "status";
}

// --- The lists kept on this device -------------------------------------------------------------

function listItem(label, date) {
  const item = document.createElement("li");
  const name = document.createElement("span");
  name.textContent = label;
  const when = document.createElement("span");
  when.className = "muted";
  when.textContent = date ? say("lists.dated", { date: formatMoment(date) }) : say("lists.none");
  item.append(name, " ", when);
  item.dataset.kept = date ? "true" : "false";
  return item;
}

function showLists() {
  const list = $("kept-lists");
  list.replaceChildren(listItem(say("lists.trust_list"), kept.trust && kept.trust.date));
  if (kept.trust) {
    for (const slug of academySlugs(kept.trust)) {
      const status = kept.statusLists[slug];
      list.append(listItem(say("lists.status_list", { academy: academyName(slug) }),
        status && status.date));
    }
  }
}

async function reloadKept() {
  kept = await loadKept(settings);
  showLists();
  if (kept.problem) setText($("lists-state"), say(kept.problem));
}

async function refreshLists() {
  const button = $("refresh");
  button.disabled = true;
  setText($("lists-state"), say("lists.refreshing"));
  try {
    const problems = await refresh(settings);
    await keepPage();
    await reloadKept();
    // A verdict on screen was given with the old lists: give it again with the new ones.
    if (!$("result").hidden && $("payload").value.trim()) show($("payload").value);
    const messages = problems.map((p) => say(p.key, { academy: academyName(p.slug) }));
    setText($("lists-state"), messages.length ? messages.join(" ") : say("lists.refreshed"));
  } catch {
    setText($("lists-state"), say("lists.offline"));
  } finally {
    button.disabled = false;
  }
}

// --- Offline: the service worker keeps the page and its files ---------------------------------

// The service worker keeps this page as a visitor without an account sees it, in this page's
// language (a signed-in person's name never stays on the device).
function keepPage() {
  const worker = navigator.serviceWorker && navigator.serviceWorker.controller;
  if (!worker) return Promise.resolve(false);
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => resolve(event.data.ok);
    worker.postMessage({ type: "keep-page", language: settings.locale }, [channel.port2]);
  });
}

// Opened while connected, the page fetches the lists itself when it has none or they are older
// than a day; the button fetches them at any time.
const STALE_MS = 24 * 60 * 60 * 1000;
function isStale(trust) {
  return !trust || !(Date.now() - new Date(trust.date).getTime() < STALE_MS);
}

// The service worker in control of this page, once it has kept the page and its files.
async function registerWorker() {
  if (!("serviceWorker" in navigator)) return false;
  try {
    await navigator.serviceWorker.register(settings.urls.serviceWorker, { scope: settings.urls.page });
    await navigator.serviceWorker.ready;
  } catch {
    return false;
  }
  if (!navigator.serviceWorker.controller) {
    await new Promise((resolve) => navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true }));
  }
  return true;
}

async function startOffline() {
  const state = $("offline-state");
  setText(state, say("sw.preparing"));
  const offline = await registerWorker();
  if (navigator.onLine && isStale(kept.trust)) await refreshLists();
  else if (navigator.onLine) await keepPage().catch(() => {});
  setText(state, say(offline ? "sw.ready" : "sw.unsupported"));
  if (offline) document.documentElement.dataset.offlineReady = "true";
}

// --- Reading and showing a verdict -------------------------------------------------------------

const GOOD = new Set(["valid"]);
const CLAIMS_SHOWN = new Set(["valid", "expired", "revoked_or_replaced"]);

function verdictText(result) {
  if (result.verdict === "valid" && !result.status.checked) return say("verdict.valid_unchecked");
  if (result.verdict === "unknown_key") return say("verdict.unknown_key", { date: formatMoment(kept.trust.date) });
  if (result.verdict === "revoked_or_replaced") {
    return say("verdict.revoked_or_replaced", { date: formatMoment(result.status.date) });
  }
  return say(`verdict.${result.verdict}`);
}

function claimRows(claims) {
  const hours = claims.hours ? new Intl.NumberFormat(settings.locale).format(claims.hours) : null;
  const rows = [["serial", claims.serial], ["name", claims.name], ["course", claims.course],
    ["academy", academyName(claims.academy)], ["hours", hours],
    ["issued_on", claims.issued_on && formatDay(claims.issued_on)],
    ["expires_on", claims.expires_on ? formatDay(claims.expires_on) : say("claim.no_expiry")]];
  const list = $("claims");
  list.replaceChildren();
  for (const [key, value] of rows) {
    if (value === null || value === undefined || value === "") continue;
    const term = document.createElement("dt");
    term.textContent = say(`claim.${key}`);
    const detail = document.createElement("dd");
    detail.textContent = String(value);
    if (key === "course" && claims.locale) detail.lang = String(claims.locale).replace("_", "-");
    list.append(term, detail);
  }
}

function statusNote(result) {
  if (!result.status) return "";
  if (result.status.checked) return say("status.checked", { date: formatMoment(result.status.date) });
  return say(result.status.reason === "no_index" ? "status.no_index" : "status.no_list");
}

function keyNote(result) {
  if (!result.kid || !CLAIMS_SHOWN.has(result.verdict)) return "";
  const status = { current: "key.current", retired: "key.retired" }[result.keyStatus];
  return [say("key.kid", { kid: result.kid }), status ? say(status) : ""].join(" ").trim();
}

function show(text) {
  const result = verify(text, kept, new Date().toISOString().slice(0, 10));
  const verdict = $("verdict");
  verdict.textContent = verdictText(result);
  verdict.dataset.verdict = result.verdict;
  const good = GOOD.has(result.verdict) && result.status.checked;
  const warn = GOOD.has(result.verdict) && !result.status.checked;
  verdict.className = `flash ${good ? "flash-success" : warn ? "flash-warning" : "flash-error"}`;
  verdict.setAttribute("role", good ? "status" : "alert");
  const showClaims = CLAIMS_SHOWN.has(result.verdict);
  $("claims").hidden = !showClaims;
  if (showClaims) claimRows(result.claims);
  setText($("status-note"), showClaims ? statusNote(result) : "");
  setText($("key-note"), keyNote(result));
  $("result").hidden = false;
  $("result-title").focus();
}

async function readWith(reader, noCodeKey) {
  setText($("read-state"), say("read.reading"));
  try {
    const texts = await reader();
    if (!texts.length) {
      setText($("read-state"), say(noCodeKey));
      return;
    }
    setText($("read-state"), "");
    $("payload").value = texts[0];
    show(texts[0]);
  } catch (error) {
    setText($("read-state"), say(error && error.message === "bad_pdf" ? "read.bad_pdf" : "read.failed"));
  }
}

function wireReading() {
  const camera = new Camera($("camera"), settings.urls, (text) => {
    $("camera").hidden = true;
    $("camera-stop").hidden = true;
    $("payload").value = text;
    setText($("read-state"), "");
    show(text);
  });
  $("camera-start").addEventListener("click", async () => {
    try {
      $("camera").hidden = false;
      await camera.start();
      $("camera-stop").hidden = false;
      setText($("read-state"), say("read.camera_aim"));
    } catch {
      camera.stop();
      $("camera").hidden = true;
      setText($("read-state"), say("read.camera_failed"));
    }
  });
  $("camera-stop").addEventListener("click", () => {
    camera.stop();
    $("camera").hidden = true;
    $("camera-stop").hidden = true;
    setText($("read-state"), "");
  });
  // Each input is emptied once read, so choosing the same file again (after refreshing the
  // lists, say) reads it again: a browser fires no change for the file already chosen.
  $("photo").addEventListener("change", (event) => {
    const file = event.target.files[0];
    event.target.value = "";
    if (file) readWith(() => codesInPhoto(file, settings.urls), "read.no_code_image");
  });
  $("pdf").addEventListener("change", (event) => {
    const file = event.target.files[0];
    event.target.value = "";
    if (file) readWith(() => codesInPdf(file, settings.urls), "read.no_code_pdf");
  });
  $("paste-form").addEventListener("submit", (event) => {
    event.preventDefault();
    show($("payload").value);
  });
}

async function main() {
  $("verifier").hidden = false;
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) $("camera-start").hidden = true;
  wireReading();
  $("refresh").addEventListener("click", refreshLists);
  await reloadKept();
  await startOffline();
}

main();
