"""Reads of maintenance mode."""
from __future__ import annotations

from sqlalchemy import select

from academy.extensions import db
from academy.maintenance.models import MaintenanceWindow


def open_window() -> MaintenanceWindow | None:
    """The window in progress (maintenance is on), or None."""
    return db.session.scalar(select(MaintenanceWindow).where(MaintenanceWindow.ended_at.is_(None))
                             .order_by(MaintenanceWindow.id.desc()).limit(1))


def last_window() -> MaintenanceWindow | None:
    """The latest window, open or ended."""
    return db.session.scalar(select(MaintenanceWindow).order_by(MaintenanceWindow.id.desc())
                             .limit(1))
