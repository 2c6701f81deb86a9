"""Reads of maintenance mode."""
from __future__ import annotations

from sqlalchemy import select

from academy.extensions import db
from academy.maintenance.models import MaintenanceWindow


def open_window(*, for_update: bool = False) -> MaintenanceWindow | None:
    """The window in progress (maintenance is on), or None; `for_update` locks it until the
    transaction ends (a second `off` waits, then finds it closed)."""
    statement = (select(MaintenanceWindow).where(MaintenanceWindow.ended_at.is_(None))
                 .order_by(MaintenanceWindow.id.desc()).limit(1))
    return db.session.scalar(statement.with_for_update() if for_update else statement)


def last_window() -> MaintenanceWindow | None:
    """The latest window, open or ended."""
    return db.session.scalar(select(MaintenanceWindow).order_by(MaintenanceWindow.id.desc())
                             .limit(1))
