"""Public signing keys and their status; private keys never enter the database."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from academy.db import UTCDateTime, utcnow
from academy.extensions import db

CURRENT, RETIRED, REVOKED = "current", "retired", "revoked"
KEY_STATUSES = (CURRENT, RETIRED, REVOKED)


class SigningKey(db.Model):
    """One Ed25519 public key of the network (no academy) or of an academy.

    A current key signs; a retired one no longer signs but still verifies what it signed; a
    revoked one verifies nothing. Its private half lives in the key folder or the environment
    (academy/credentials/keystore.py)."""

    __tablename__ = "signing_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(43), unique=True)
    academy_id: Mapped[int | None] = mapped_column(
        ForeignKey("academies.id", ondelete="RESTRICT"), index=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))  # raw Ed25519, 32 bytes
    status: Mapped[str] = mapped_column(String(16), default=CURRENT)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_network(self) -> bool:
        return self.academy_id is None

    def __repr__(self) -> str:
        return f"<SigningKey {self.kid} {self.status}>"
