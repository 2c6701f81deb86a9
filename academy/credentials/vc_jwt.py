"""Verifiable credentials as VC-JWT (VC-JOSE-COSE, VC Data Model 2.0): a compact JWS whose
payload is the credential itself, signed with an academy's current Ed25519 key.

Header {"alg": "EdDSA", "kid": "<did>#<kid>", "typ": "vc+jwt", "cty": "vc"}. "EdDSA" (RFC 8037)
rather than RFC 9864's "Ed25519" (which the trust list uses): it is the name the verifiers and
wallets in use today know. joserfc marks it deprecated with a warning; the signature is the
same Ed25519 signature either way, so that warning is silenced here only.
"""
from __future__ import annotations

import base64
import json
import warnings
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from joserfc import jws
from joserfc.errors import SecurityWarning
from joserfc.jwk import OKPKey

from academy.credentials import keystore, queries

ALG, TYPE, CONTENT_TYPE = "EdDSA", "vc+jwt", "vc"
MEDIA_TYPE = "application/vc+jwt"
MAX_TOKEN_CHARS = 64 * 1024


class MalformedToken(ValueError):
    """Not a compact JWS this module reads."""


@dataclass(frozen=True)
class Token:
    header: dict
    payload: dict
    signing_input: bytes
    signature: bytes

    @property
    def kid(self) -> str:
        """The key id after the '#' of the header's kid (a DID URL)."""
        return str(self.header.get("kid", "")).rpartition("#")[2]


def sign(credential: dict, academy_id: int, did: str) -> str | None:
    """The credential as a VC-JWT signed by the academy's current key; None while the academy
    has no key whose private half this server holds."""
    key = queries.current_key(academy_id)
    private = keystore.load_private(key.kid) if key else None
    if private is None:
        return None
    header = {"alg": ALG, "kid": f"{did}#{key.kid}", "typ": TYPE, "cty": CONTENT_TYPE}
    body = json.dumps(credential, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=SecurityWarning, message=r"EdDSA")
        return jws.serialize_compact(header, body, OKPKey.import_key(private),
                                     algorithms=[ALG])


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def parse(token: str) -> Token:
    """The parts of a compact JWS with a JSON header and payload. Raises MalformedToken."""
    token = (token or "").strip()
    parts = token.split(".")
    if len(token) > MAX_TOKEN_CHARS or len(parts) != 3:
        raise MalformedToken("not a compact JWS")
    try:
        header = json.loads(_b64decode(parts[0]))
        payload = json.loads(_b64decode(parts[1]))
        signature = _b64decode(parts[2])
    except (ValueError, UnicodeDecodeError, RecursionError) as error:  # nested thousands deep
        raise MalformedToken(str(error)) from error
    if not isinstance(header, dict) or not isinstance(payload, dict) \
            or header.get("alg") not in (ALG, "Ed25519"):
        raise MalformedToken("not an Ed25519 JWS of a JSON object")
    return Token(header, payload, f"{parts[0]}.{parts[1]}".encode("ascii"), signature)


def verifies(token: Token, public_key: bytes) -> bool:
    """Whether the token's signature holds for this raw Ed25519 public key."""
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(token.signature,
                                                              token.signing_input)
    except (InvalidSignature, ValueError):
        return False
    return True
