// The check of a certificate's QR code, step by step as academy/certificates/signed_qr.py does it
// on the server, with the trust list and status lists kept on this device instead of the
// database. Verdict names are the server's; "revoked_or_replaced" is the status list's (one bit
// says either).
import { decode as cborDecode, encode as cborEncode } from "cborg";
import { base45Decode, base64urlEncode, ed25519Verifies, unzlib } from "./codec.js";

export const PREFIX = "CAMPUS1:";
const MAX_PAYLOAD_CHARS = 2000;
const MAX_INFLATED = 8192;
const COSE_SIGN1_TAG = 18, ALG = 1, KID = 4, EDDSA = -8;
const SERIAL = 1, NAME = 2, COURSE = 3, ACADEMY = 4, HOURS = 5, ISSUED = 6, EXPIRES = 7,
  LOCALE = 8, STATUS_INDEX = 9;
const CLAIM_NAMES = { [SERIAL]: "serial", [NAME]: "name", [COURSE]: "course", [ACADEMY]: "academy",
  [HOURS]: "hours", [ISSUED]: "issued_on", [EXPIRES]: "expires_on", [LOCALE]: "locale" };

class Tagged {
  constructor(value) { this.value = value; }
}
const CBOR_OPTIONS = { useMaps: true, tags: { [COSE_SIGN1_TAG]: (inner) => new Tagged(inner()) } };
const isBytes = (value) => value instanceof Uint8Array;

// The COSE_Sign1 parts and the claims of a payload's text; throws on anything else.
export function decodePayload(text) {
  text = (text || "").trim();
  if (!text.startsWith(PREFIX) || text.length > MAX_PAYLOAD_CHARS) throw new Error("no prefix");
  let item = cborDecode(unzlib(base45Decode(text.slice(PREFIX.length)), MAX_INFLATED), CBOR_OPTIONS);
  if (item instanceof Tagged) item = item.value;
  if (!Array.isArray(item) || item.length !== 4) throw new Error("not COSE_Sign1");
  const [protectedBytes, , payload, signature] = item;
  if (![protectedBytes, payload, signature].every(isBytes)) throw new Error("not COSE_Sign1");
  const header = cborDecode(protectedBytes, CBOR_OPTIONS);
  if (!(header instanceof Map) || header.get(ALG) !== EDDSA || !isBytes(header.get(KID))) {
    throw new Error("unexpected header");
  }
  const claims = cborDecode(payload, CBOR_OPTIONS);
  if (!(claims instanceof Map) || typeof claims.get(SERIAL) !== "string"
      || typeof claims.get(ACADEMY) !== "string") {
    throw new Error("claims missing");
  }
  return { protectedBytes, kid: base64urlEncode(header.get(KID)), payload, signature, claims };
}

function toBeSigned(message) {
  return cborEncode(["Signature1", message.protectedBytes, new Uint8Array(0), message.payload]);
}

function named(claims) {
  const out = {};
  for (const [key, value] of claims) if (CLAIM_NAMES[key]) out[CLAIM_NAMES[key]] = value;
  return out;
}

export function isRevoked(bits, index) {
  return ((bits[index >> 3] >> (7 - (index & 7))) & 1) === 1;
}

function statusOf(claims, statusList) {
  const index = claims.get(STATUS_INDEX);
  if (!Number.isInteger(index) || index < 0) return { checked: false, reason: "no_index" };
  if (!statusList || index >= statusList.bits.length * 8) return { checked: false, reason: "no_list" };
  return { checked: true, revoked: isRevoked(statusList.bits, index), date: statusList.date };
}

// `kept`: {trust: {keys, date} | null, statusLists: {slug: {bits, date}}}; `today`: "YYYY-MM-DD"
// (UTC, as the server counts). Returns {verdict, claims, kid, keyStatus, status}.
export function verify(text, kept, today) {
  let message;
  try {
    message = decodePayload(text);
  } catch {
    return { verdict: "malformed" };
  }
  if (!kept.trust) return { verdict: "no_trust_list" };
  const claims = named(message.claims), slug = message.claims.get(ACADEMY);
  const key = kept.trust.keys.find((k) => k.kid === message.kid && k.owner
    && k.owner.type === "academy" && k.owner.slug === slug);
  const seen = { claims, kid: message.kid };
  if (!key) return { verdict: "unknown_key", ...seen };
  seen.keyStatus = key.status;
  if (!ed25519Verifies(message.signature, toBeSigned(message), key.publicKey)) {
    return { verdict: "signature_invalid", ...seen };
  }
  if (key.status === "revoked") return { verdict: "revoked_key", ...seen };
  const status = statusOf(message.claims, kept.statusLists[slug]);
  if (status.checked && status.revoked) return { verdict: "revoked_or_replaced", status, ...seen };
  const expires = message.claims.get(EXPIRES);
  if (typeof expires === "string" && expires <= today) return { verdict: "expired", status, ...seen };
  return { verdict: "valid", status, ...seen };
}

export const claimKeys = { ACADEMY, LOCALE };
