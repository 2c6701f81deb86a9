"""did:web documents: `did:web:<host>:academies:<slug>` resolves to
https://<host>/academies/<slug>/did.json, which lists the academy's keys."""
from __future__ import annotations

from urllib.parse import quote, urlsplit

from academy.academies.models import Academy
from academy.credentials.models import REVOKED, SigningKey
from academy.credentials.trust_list import b64url

MULTICODEC_ED25519_PUB = b"\xed\x01"
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def base58btc(data: bytes) -> str:
    number, text = int.from_bytes(data, "big"), ""
    while number:
        number, digit = divmod(number, 58)
        text = _B58[digit] + text
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + text


def did_of(public_url: str, slug: str) -> str:
    """The academy's DID under the platform's public address (a port is %3A-encoded)."""
    parts = urlsplit(public_url)
    segments = [quote(parts.netloc, safe="")] + [p for p in parts.path.split("/") if p]
    return "did:web:" + ":".join(segments + ["academies", slug])


def document(public_url: str, academy: Academy, keys: list[SigningKey]) -> dict:
    """The DID document: each key not revoked as a Multikey verification method (with its JWK);
    a current or retired key may verify, only the current one is meant to sign."""
    did = did_of(public_url, academy.slug)
    methods = [{
        "id": f"{did}#{key.kid}", "type": "Multikey", "controller": did,
        "publicKeyMultibase": "z" + base58btc(MULTICODEC_ED25519_PUB + key.public_key),
        "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519", "x": b64url(key.public_key),
                         "kid": key.kid},
    } for key in keys if key.status != REVOKED]
    ids = [method["id"] for method in methods]
    return {"@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": did, "verificationMethod": methods,
            "assertionMethod": ids, "authentication": ids}
