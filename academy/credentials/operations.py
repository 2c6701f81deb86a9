"""Creating, rotating and revoking signing keys. Each returns an Outcome (checks first, then
writes); none commits: the CLI commits at its edge."""
from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from academy.credentials import keystore, queries
from academy.credentials.models import CURRENT, RETIRED, REVOKED, SigningKey
from academy.db import utcnow
from academy.extensions import db


@dataclass(frozen=True)
class Outcome:
    """What an operation did: `key` on success, else `problem` (a plain English sentence for
    the operator's terminal)."""

    key: SigningKey | None = None
    retired: SigningKey | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _new_key(academy_id: int | None) -> SigningKey:
    private = Ed25519PrivateKey.generate()
    raw = keystore.raw_public(private.public_key())
    kid = keystore.kid_of(raw)
    keystore.save_private(kid, private)  # an orphan file if the transaction fails: harmless
    key = SigningKey(kid=kid, academy_id=academy_id, public_key=raw, status=CURRENT,
                     created_at=utcnow())
    db.session.add(key)
    db.session.flush()
    return key


def create_key(academy_id: int | None) -> Outcome:
    """The first key of the network (None) or of an academy; refused if one is current."""
    if queries.current_key(academy_id) is not None:
        return Outcome(problem="a current key exists already: rotate it instead")
    return Outcome(key=_new_key(academy_id))


def rotate_key(academy_id: int | None) -> Outcome:
    """A new current key; the old one is retired (it still verifies what it signed)."""
    old = queries.current_key(academy_id)
    if old is None:
        return Outcome(problem="no current key to rotate: create one first")
    old.status, old.retired_at = RETIRED, utcnow()
    db.session.flush()
    return Outcome(key=_new_key(academy_id), retired=old)


def revoke_key(kid: str) -> Outcome:
    """Mark a key revoked: whatever it signed no longer verifies."""
    key = queries.by_kid(kid)
    if key is None:
        return Outcome(problem=f"no key {kid}")
    if key.status == REVOKED:
        return Outcome(problem=f"key {kid} is revoked already")
    key.status, key.revoked_at = REVOKED, utcnow()
    db.session.flush()
    return Outcome(key=key)
