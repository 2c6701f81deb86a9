"""Private keys, kept outside the database (never in its backups).

Two places, read in this order: the setting SIGNING_KEYS (ACADEMY_SIGNING_KEYS in production: a
JSON object of kid -> PEM, e.g. from a secret manager), then the key folder KEY_DIR
(ACADEMY_KEY_DIR; default instance/keys), one `<kid>.pem` file per key, readable by the owner only.
"""
from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app

KID_BYTES = 12  # of SHA-256 of the raw public key: 16 base64url characters


def raw_public(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def kid_of(raw_public_key: bytes) -> str:
    """The key id: base64url (no padding) of the first 12 bytes of SHA-256 of the raw key."""
    digest = hashlib.sha256(raw_public_key).digest()[:KID_BYTES]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def kid_bytes(kid: str) -> bytes:
    """The key id as the bytes COSE headers carry."""
    return base64.urlsafe_b64decode(kid + "=" * (-len(kid) % 4))


def kid_from_bytes(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def key_dir() -> Path:
    return Path(current_app.config.get("KEY_DIR") or Path(current_app.instance_path) / "keys")


def save_private(kid: str, key: Ed25519PrivateKey) -> Path:
    """Write the private key as `<kid>.pem` (mode 0600) in the key folder; returns its path."""
    folder = key_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    path = folder / f"{kid}.pem"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return path


def load_private(kid: str) -> Ed25519PrivateKey | None:
    """The private key of `kid` from the environment setting or the key folder; None if absent."""
    pem = (current_app.config.get("SIGNING_KEYS") or {}).get(kid)
    if pem is None:
        path = key_dir() / f"{kid}.pem"
        if not path.is_file():
            return None
        pem = path.read_bytes()
    key = serialization.load_pem_private_key(pem.encode() if isinstance(pem, str) else pem,
                                             password=None)
    return key if isinstance(key, Ed25519PrivateKey) else None
