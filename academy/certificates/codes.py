"""Verification codes: 140 random bits in Crockford's base32, read out in blocks of four.

Crockford's alphabet has no I, L, O or U, so a code read aloud or typed from paper survives the
usual confusions: typed O is taken for 0, I and L for 1, and dashes, spaces and case are ignored.
"""
from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 28  # 28 characters x 5 bits = 140 random bits
_CONFUSED = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-_.]+")


def new_code() -> str:
    """A fresh code, normalised (no dashes)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def grouped(code: str) -> str:
    """The code as printed: blocks of four joined by dashes."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def normalise(typed: str | None) -> str | None:
    """The stored form of a typed code, or None if it cannot be a code at all."""
    if not typed:
        return None
    code = _SEPARATORS.sub("", typed.strip().upper()).translate(_CONFUSED)
    if len(code) != LENGTH or any(char not in ALPHABET for char in code):
        return None
    return code
