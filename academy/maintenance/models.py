"""Maintenance windows: when the platform was, or is, closed for maintenance."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from academy.db import UTCDateTime
from academy.extensions import db


class MaintenanceWindow(db.Model):
    """One time the platform was closed; the window still open (maintenance on) has no end."""

    __tablename__ = "maintenance_windows"
    __table_args__ = (
        # At most one open window: two `flask maintenance on` at once cannot both open one.
        Index("uq_maintenance_windows_open", text("(ended_at IS NULL)"), unique=True,
              sqlite_where=text("ended_at IS NULL"), postgresql_where=text("ended_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the operator wrote for the people who meet the page (shown as typed, not translated).
    message: Mapped[str] = mapped_column(Text, default="")

    @property
    def is_open(self) -> bool:
        return self.ended_at is None
