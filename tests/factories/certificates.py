"""Certificates' signed QR payloads, changed and signed again (or forged) for the checks."""
from __future__ import annotations

import zlib

import base45
import cbor2
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from academy.certificates import signed_qr


def resign(payload: str, change, key: Ed25519PrivateKey | None = None, kid: str | None = None):
    """The payload's claims changed by `change`, then signed again by `key` (or not at all)."""
    message, claims = signed_qr.decode(payload)
    change(claims)
    if key is not None:
        return signed_qr.encode(claims, kid, key)
    tag = cbor2.loads(zlib.decompress(base45.b45decode(payload[len(signed_qr.PREFIX):])))
    parts = list(tag.value)
    parts[2] = cbor2.dumps(claims)  # the old signature over new claims
    forged = cbor2.dumps(cbor2.CBORTag(18, parts))
    return signed_qr.PREFIX + base45.b45encode(zlib.compress(forged)).decode()
