"""Password hashing (argon2id) and one-time passwords."""
from __future__ import annotations

import secrets

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

# No 0/o, 1/l/i: one-time passwords are read off paper and typed by hand.
_SLIP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def hasher() -> PasswordHasher:
    """The app's argon2id hasher, built once from its configured cost."""
    ph = current_app.extensions.get("campus_hasher")
    if ph is None:
        cfg = current_app.config
        ph = PasswordHasher(
            time_cost=cfg["ARGON2_TIME_COST"],
            memory_cost=cfg["ARGON2_MEMORY_COST"],
            parallelism=cfg["ARGON2_PARALLELISM"],
            type=Type.ID,
        )
        current_app.extensions["campus_hasher"] = ph
        # Verified against when a username is unknown, so both cases cost the same time.
        current_app.extensions["campus_dummy_hash"] = ph.hash(secrets.token_hex(16))
    return ph


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether the password matches; an absent hash still costs one verification."""
    ph = hasher()
    try:
        return ph.verify(password_hash or current_app.extensions["campus_dummy_hash"],
                         password) and (password_hash is not None)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with older cost parameters."""
    return hasher().check_needs_rehash(password_hash)


def generate_one_time_password() -> str:
    """A password for a credential slip: 3 groups of 4 unambiguous characters (~59 bits)."""
    groups = ("".join(secrets.choice(_SLIP_ALPHABET) for _ in range(4)) for _ in range(3))
    return "-".join(groups)
