"""COSE_Sign1 (RFC 9052) with Ed25519, built on cbor2 and cryptography.

Protected header {1: -8 (alg EdDSA), 4: kid bytes}, no unprotected header; the signature is
over Sig_structure ["Signature1", protected, b"", payload]. The message is tag 18.
"""
from __future__ import annotations

from dataclasses import dataclass

import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALG, KID, EDDSA, COSE_SIGN1_TAG = 1, 4, -8, 18


class MalformedMessage(ValueError):
    """Not a COSE_Sign1 message this module can read."""


@dataclass(frozen=True)
class Sign1:
    protected: bytes  # the header exactly as signed
    kid: bytes
    payload: bytes
    signature: bytes


def _to_be_signed(protected: bytes, payload: bytes) -> bytes:
    return cbor2.dumps(["Signature1", protected, b"", payload])


def sign1(payload: bytes, kid: bytes, key: Ed25519PrivateKey) -> bytes:
    """A tagged COSE_Sign1 message of `payload`, signed by `key` and naming `kid`."""
    protected = cbor2.dumps({ALG: EDDSA, KID: kid})
    signature = key.sign(_to_be_signed(protected, payload))
    return cbor2.dumps(cbor2.CBORTag(COSE_SIGN1_TAG, [protected, {}, payload, signature]))


def parse(message: bytes) -> Sign1:
    """The parts of a COSE_Sign1 message (tagged or not). Raises MalformedMessage."""
    try:
        item = cbor2.loads(message)
        if isinstance(item, cbor2.CBORTag):
            if item.tag != COSE_SIGN1_TAG:
                raise MalformedMessage("not COSE_Sign1")
            item = item.value
        protected, _unprotected, payload, signature = item
        header = cbor2.loads(protected)
    except MalformedMessage:
        raise
    except Exception as error:  # cbor2 raises several types on garbage
        raise MalformedMessage(str(error)) from error
    if not isinstance(header, dict) or header.get(ALG) != EDDSA \
            or not isinstance(header.get(KID), bytes) or not isinstance(payload, bytes) \
            or not isinstance(signature, bytes):
        raise MalformedMessage("unexpected header or parts")
    return Sign1(protected, header[KID], payload, signature)


def verifies(message: Sign1, public_key: bytes) -> bool:
    """Whether the signature holds for this raw Ed25519 public key."""
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(
            message.signature, _to_be_signed(message.protected, message.payload))
    except (InvalidSignature, ValueError):
        return False
    return True
