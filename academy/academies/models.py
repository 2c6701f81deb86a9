"""Member academies of the network and the roles people hold in them."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.db import UTCDateTime, utcnow
from academy.extensions import db
from academy.i18n import pick_text

if TYPE_CHECKING:
    from academy.accounts.models import User


class Academy(db.Model):
    """A member academy: a prison-staff training school of one country."""

    __tablename__ = "academies"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    country: Mapped[str] = mapped_column(String(2))
    default_locale: Mapped[str] = mapped_column(String(8))
    # Where the academy is (IANA name): its people read dates in it unless they chose another.
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    logo_filename: Mapped[str | None] = mapped_column(String(128))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def name_in(self, locale: str) -> str:
        """The academy's name in `locale`, falling back to its default locale."""
        return pick_text(self.names, locale, self.default_locale)[0] or self.slug

    def __repr__(self) -> str:
        return f"<Academy {self.slug}>"


class Membership(db.Model):
    """One role held by one person in one academy."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "academy_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    academy_id: Mapped[int] = mapped_column(
        ForeignKey("academies.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    academy: Mapped[Academy] = relationship(lazy="joined")
