"""Reads of the public keys."""
from __future__ import annotations

from academy.credentials.models import CURRENT, REVOKED, SigningKey
from academy.extensions import db


def current_key(academy_id: int | None) -> SigningKey | None:
    """The key that signs for this academy now (None: the network's)."""
    owner = (SigningKey.academy_id.is_(None) if academy_id is None
             else SigningKey.academy_id == academy_id)
    return db.session.scalar(db.select(SigningKey).where(owner, SigningKey.status == CURRENT)
                             .order_by(SigningKey.id.desc()).limit(1))


def by_kid(kid: str) -> SigningKey | None:
    return db.session.scalar(db.select(SigningKey).where(SigningKey.kid == kid))


def all_keys() -> list[SigningKey]:
    return list(db.session.scalars(db.select(SigningKey).order_by(SigningKey.id)))


def keys_of(academy_id: int) -> list[SigningKey]:
    return list(db.session.scalars(db.select(SigningKey).where(
        SigningKey.academy_id == academy_id).order_by(SigningKey.id)))


def network_keys_that_verify() -> list[SigningKey]:
    """The network's keys that may still verify a trust list (current and retired)."""
    return list(db.session.scalars(db.select(SigningKey).where(
        SigningKey.academy_id.is_(None), SigningKey.status != REVOKED).order_by(SigningKey.id)))
