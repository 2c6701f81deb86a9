"""Turning maintenance mode on and off. Never commits."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from academy.audit import operations as audit
from academy.extensions import db
from academy.maintenance import queries
from academy.maintenance.models import MaintenanceWindow
from academy.quizzes.downtime import Extension, extend_for_downtime


@dataclass(frozen=True)
class Started:
    window: MaintenanceWindow
    was_on: bool  # it was already on: only the message changed (if one was given)


@dataclass(frozen=True)
class Ended:
    window: MaintenanceWindow
    extension: Extension


def turn_on(now: datetime, message: str | None, *, by: str = "") -> Started:
    """Open a maintenance window (audited); if one is open, keep it and replace its message
    when a new one is given."""
    window = queries.open_window(for_update=True)
    if window is None:
        opened = _open(now, message or "", by)
        if opened is not None:
            return Started(opened, was_on=False)
        window = queries.open_window(for_update=True)  # another `on` opened it meanwhile
        if window is None:  # ...and an `off` closed it again: open one now
            return turn_on(now, message, by=by)
    if message is not None:
        window.message = message
        db.session.flush()
    return Started(window, was_on=True)


def _open(now: datetime, message: str, by: str) -> MaintenanceWindow | None:
    """A new open window (audited), or None if another was opened meanwhile (the index that
    allows one open window refused this one; nothing is written)."""
    window = MaintenanceWindow(started_at=now, message=message)
    try:
        with db.session.begin_nested():
            db.session.add(window)
    except IntegrityError:
        return None
    audit.record("maintenance.start", actor_id=None, target_type="maintenance",
                 target_id=window.id, details={"message": window.message, "by": by})
    return window


def turn_off(now: datetime, *, by: str = "") -> Ended | None:
    """Close the open window and give its length back to the quizzes (audited); None when
    maintenance was not on (nothing changes)."""
    window = queries.open_window(for_update=True)  # a second `off` waits, then finds none
    if window is None:
        return None
    window.ended_at = max(now, window.started_at)
    extension = extend_for_downtime(window.started_at, window.ended_at)
    audit.record("maintenance.end", actor_id=None, target_type="maintenance",
                 target_id=window.id, details={
                     "started_at": window.started_at.isoformat(),
                     "ended_at": window.ended_at.isoformat(),
                     "seconds": int((window.ended_at - window.started_at).total_seconds()),
                     "attempts_extended": extension.count("attempts"),
                     "quizzes_extended": extension.count("quizzes"),
                     "exceptions_extended": extension.count("exceptions"), "by": by})
    db.session.flush()
    return Ended(window, extension)
