"""Turning maintenance mode on and off. Never commits."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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
    window = queries.open_window()
    if window is not None:
        if message is not None:
            window.message = message
            db.session.flush()
        return Started(window, was_on=True)
    window = MaintenanceWindow(started_at=now, message=message or "")
    db.session.add(window)
    db.session.flush()
    audit.record("maintenance.start", actor_id=None, target_type="maintenance",
                 target_id=window.id, details={"message": window.message, "by": by})
    return Started(window, was_on=False)


def turn_off(now: datetime, *, by: str = "") -> Ended | None:
    """Close the open window and give its length back to the quizzes (audited); None when
    maintenance was not on (nothing changes)."""
    window = queries.open_window()
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
