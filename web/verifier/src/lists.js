// The trust list and the academies' status lists: fetched while online, kept in the Cache
// Storage, and checked again (signatures included) every time they are read.
import { gunzipSync } from "fflate";
import { base64urlDecode, verifyJws } from "./codec.js";

const CACHE = "campus-verifier-lists";
const TRUST_FORMAT = "campus-trust-list/1";
const MAX_STATUS_BYTES = 1 << 20; // 8 million entries; a list holds 131072

function keyBytes(jwk) {
  return jwk && jwk.kty === "OKP" && jwk.crv === "Ed25519" ? base64urlDecode(jwk.x) : null;
}

// The trust list's signed content, checked with the network keys the page pins:
// {ok, keys, date} or {ok: false, unknownKey}.
export function readTrustList(text, networkKeys) {
  let signed;
  try {
    signed = verifyJws(JSON.parse(text).jws, (header) => {
      const pinned = header.alg === "Ed25519" && networkKeys.find((k) => k.kid === header.kid);
      return pinned ? base64urlDecode(pinned.x) : null;
    });
  } catch {
    signed = null;
  }
  if (!signed || !signed.payload || signed.payload.format !== TRUST_FORMAT) {
    return { ok: false, unknownKey: Boolean(signed && signed.unknownKey) };
  }
  const keys = (signed.payload.keys || []).map((k) => ({ ...k, publicKey: keyBytes(k.jwk) }))
    .filter((k) => k.publicKey && k.publicKey.length === 32);
  return { ok: true, keys, date: signed.payload.issued_at };
}

export function academySlugs(trust) {
  const slugs = trust.keys.filter((k) => k.owner && k.owner.type === "academy")
    .map((k) => k.owner.slug);
  return [...new Set(slugs)].sort();
}

export function academyNames(trust, slug) {
  const key = trust.keys.find((k) => k.owner && k.owner.slug === slug);
  return (key && key.owner.names) || {};
}

// An academy's status list (a VC-JWT), checked with that academy's keys of the trust list:
// {bits, date} or null.
export function readStatusList(token, trust, slug) {
  const signed = verifyJws(token, (header) => {
    const kid = String(header.kid || "").split("#").pop();
    const key = header.alg === "EdDSA" && trust.keys.find((k) => k.kid === kid
      && k.owner && k.owner.slug === slug && k.status !== "revoked");
    return key ? key.publicKey : null;
  });
  const subject = signed && signed.payload && signed.payload.credentialSubject;
  if (!subject || subject.statusPurpose !== "revocation"
      || typeof subject.encodedList !== "string" || !subject.encodedList.startsWith("u")) {
    return null;
  }
  try {
    const bits = gunzipSync(base64urlDecode(subject.encodedList.slice(1)));
    return bits.length <= MAX_STATUS_BYTES ? { bits, date: signed.payload.validFrom } : null;
  } catch {
    return null;
  }
}

// Without Cache Storage (a page served over plain HTTP, from elsewhere than localhost), the lists
// last as long as the page: it still checks codes while connected.
const memory = new Map();

async function cache() {
  return "caches" in self ? caches.open(CACHE) : null;
}

export async function keptText(url) {
  const store = await cache();
  const response = store && await store.match(url);
  return response ? response.text() : memory.get(url) || null;
}

export async function keep(url, text) {
  memory.set(url, text);
  const store = await cache();
  if (store) await store.put(url, new Response(text, { headers: { "Content-Type": "text/plain" } }));
}

// The lists as this device keeps them, each checked: {trust, statusLists}.
export async function loadKept(settings) {
  const kept = { trust: null, statusLists: {}, problem: null };
  const text = await keptText(settings.urls.trustList);
  if (!text) return kept;
  const trust = readTrustList(text, settings.networkKeys);
  if (!trust.ok) {
    kept.problem = trust.unknownKey ? "lists.new_network_key" : "lists.bad_trust_list";
    return kept;
  }
  kept.trust = trust;
  for (const slug of academySlugs(trust)) {
    const token = await keptText(statusListUrl(settings, slug));
    const list = token && readStatusList(token, trust, slug);
    if (list) kept.statusLists[slug] = list;
  }
  return kept;
}

export function statusListUrl(settings, slug) {
  return settings.urls.statusList.replace("{slug}", encodeURIComponent(slug));
}

async function fetchText(url) {
  const response = await fetch(url, { cache: "no-store", credentials: "omit" });
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.text();
}

// Fetch the trust list and every academy's status list; keep those whose signatures hold.
// Returns the problems met, as text keys with their values. Throws when offline.
export async function refresh(settings) {
  const problems = [];
  const text = await fetchText(settings.urls.trustList);
  if (text === null) throw new Error("no trust list published");
  const trust = readTrustList(text, settings.networkKeys);
  if (!trust.ok) {
    return [{ key: trust.unknownKey ? "lists.new_network_key" : "lists.bad_trust_list" }];
  }
  await keep(settings.urls.trustList, text);
  for (const slug of academySlugs(trust)) {
    const url = statusListUrl(settings, slug);
    const token = await fetchText(url);
    if (token === null) continue; // no current key: nothing published, the kept list stays
    if (readStatusList(token, trust, slug)) await keep(url, token);
    else problems.push({ key: "lists.bad_status_list", slug });
  }
  return problems;
}
