// Byte-level codecs of the signed QR code and of JOSE: Base45 (RFC 9285), base64url, zlib with
// a size cap and its Adler-32 check, and compact JWS with Ed25519.
import { inflateSync } from "fflate";
import * as ed from "@noble/ed25519";
import { sha512 } from "@noble/hashes/sha2.js";

ed.hashes.sha512 = sha512;

const BASE45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

export function base45Decode(text) {
  const out = [];
  for (let i = 0; i < text.length; i += 3) {
    const chunk = text.slice(i, i + 3);
    if (chunk.length < 2) throw new Error("Base45: a lone character");
    let value = 0;
    for (let j = chunk.length - 1; j >= 0; j--) {
      const digit = BASE45.indexOf(chunk[j]);
      if (digit < 0) throw new Error("Base45: not an alphabet character");
      value = value * 45 + digit;
    }
    if (chunk.length === 3) {
      if (value > 0xffff) throw new Error("Base45: out of range");
      out.push(value >> 8, value & 0xff);
    } else {
      if (value > 0xff) throw new Error("Base45: out of range");
      out.push(value);
    }
  }
  return Uint8Array.from(out);
}

export function base64urlDecode(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) throw new Error("not base64url");
  const plain = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  return Uint8Array.from(atob(plain), (ch) => ch.charCodeAt(0));
}

export function base64urlEncode(bytes) {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function adler32(bytes) {
  let a = 1, b = 0;
  for (let i = 0; i < bytes.length; i++) {
    a = (a + bytes[i]) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

// zlib (RFC 1950) inflated to at most `limit` bytes, its checksum verified: a small code must not
// inflate to megabytes, and a changed byte must not pass.
export function unzlib(data, limit) {
  if (data.length < 7) throw new Error("zlib: too short");
  const [cmf, flg] = data;
  if ((cmf & 0x0f) !== 8 || ((cmf << 8) | flg) % 31 !== 0 || flg & 0x20) {
    throw new Error("zlib: bad header");
  }
  const out = inflateSync(data.subarray(2, data.length - 4));
  if (out.length > limit) throw new Error("zlib: too large");
  const view = new DataView(data.buffer, data.byteOffset + data.length - 4, 4);
  if (view.getUint32(0) !== adler32(out)) throw new Error("zlib: bad checksum");
  return out;
}

// RFC 8032 verification (not the laxer ZIP-215 rules), as OpenSSL does on the server.
export function ed25519Verifies(signature, message, publicKey) {
  try {
    return ed.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}

const ascii = new TextEncoder();
const utf8 = new TextDecoder("utf-8", { fatal: true });

// A compact JWS: its header and payload when the signature holds with the key `keyFor(header)`
// returns (raw 32 bytes), else null.
export function verifyJws(token, keyFor) {
  const parts = String(token).trim().split(".");
  if (parts.length !== 3) return null;
  try {
    const header = JSON.parse(utf8.decode(base64urlDecode(parts[0])));
    const key = keyFor(header);
    if (!key) return { header, payload: null, unknownKey: true };
    const signed = ascii.encode(`${parts[0]}.${parts[1]}`);
    if (!ed25519Verifies(base64urlDecode(parts[2]), signed, key)) return null;
    return { header, payload: JSON.parse(utf8.decode(base64urlDecode(parts[1]))) };
  } catch {
    return null;
  }
}
