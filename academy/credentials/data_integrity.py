"""Embedded Data Integrity proofs, cryptosuite `eddsa-rdfc-2022` (W3C Data Integrity EdDSA
Cryptosuites v1.0, §3.3): the credential and the proof's options are each canonicalised as RDF
(RDFC-1.0, which is URDNA2015: pyld), hashed with SHA-256, and the two hashes (options first)
signed with Ed25519; `proofValue` is the signature in multibase base58btc (`z…`).

JSON-LD needs the credential's @contexts. They are shipped in academy/credentials/contexts/ and
the document loader serves only those: nothing is fetched, ever (an unknown context is an
error, not a download).
"""
from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from academy.credentials.did import base58btc

CONTEXTS_DIR = Path(__file__).resolve().parent / "contexts"
CONTEXTS = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-v3p0-context-3.0.3.json",
}
PROOF_TYPE, CRYPTOSUITE, PURPOSE = "DataIntegrityProof", "eddsa-rdfc-2022", "assertionMethod"
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


class UnknownContext(ValueError):
    """A @context this platform does not ship (it is never fetched)."""


@cache
def _context(name: str) -> dict:
    return json.loads((CONTEXTS_DIR / name).read_text(encoding="utf-8"))


def load_document(url: str, options=None) -> dict:
    """pyld's document loader: the shipped contexts only."""
    name = CONTEXTS.get(url)
    if name is None:
        raise UnknownContext(f"not a shipped context: {url[:200]}")
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
            "document": _context(name)}


def canonical(document: dict) -> str:
    """The document's RDF dataset in canonical N-Quads (RDFC-1.0)."""
    from pyld import jsonld  # loaded when a proof is made or checked, not at start

    return jsonld.normalize(document, {"algorithm": "URDNA2015",
                                       "format": "application/n-quads",
                                       "documentLoader": load_document})


def _hash_data(document: dict, options: dict) -> bytes:
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    config = {"@context": document["@context"], **options}
    return (hashlib.sha256(canonical(config).encode("utf-8")).digest()
            + hashlib.sha256(canonical(unsecured).encode("utf-8")).digest())


def with_proof(document: dict, private: Ed25519PrivateKey, verification_method: str,
               created: str) -> dict:
    """The document with an embedded eddsa-rdfc-2022 proof by `private`."""
    options = {"type": PROOF_TYPE, "cryptosuite": CRYPTOSUITE, "created": created,
               "verificationMethod": verification_method, "proofPurpose": PURPOSE}
    signature = private.sign(_hash_data(document, options))
    return {**document, "proof": {**options, "proofValue": "z" + base58btc(signature)}}


def _b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + _B58.index(char)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def verifies(document: dict, public_key: bytes) -> bool:
    """Whether the document's eddsa-rdfc-2022 proof holds for this raw Ed25519 key."""
    proof = document.get("proof")
    if not isinstance(proof, dict) or proof.get("type") != PROOF_TYPE \
            or proof.get("cryptosuite") != CRYPTOSUITE:
        return False
    from pyld.jsonld import JsonLdError

    value = str(proof.get("proofValue") or "")
    options = {key: item for key, item in proof.items() if key != "proofValue"}
    try:
        signature = _b58decode(value[1:]) if value.startswith("z") else b""
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature,
                                                              _hash_data(document, options))
    except (InvalidSignature, ValueError, JsonLdError):
        return False
    return True
