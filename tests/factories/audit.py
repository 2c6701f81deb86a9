"""The audit log as tests read it: the events of one action, or the one event it must have."""
from __future__ import annotations

from sqlalchemy import select

from academy.audit.models import AuditEvent
from academy.extensions import db


def events(action: str, target_id: int | None = ..., **where) -> list[AuditEvent]:
    """The recorded events of one action (about one object, if given), oldest first."""
    db.session.expire_all()  # the requests committed in their own sessions
    stmt = select(AuditEvent).where(AuditEvent.action == action)
    if target_id is not ...:
        stmt = stmt.where(AuditEvent.target_id.is_(None) if target_id is None
                          else AuditEvent.target_id == target_id)
    for name, value in where.items():
        stmt = stmt.where(getattr(AuditEvent, name) == value)
    return list(db.session.scalars(stmt.order_by(AuditEvent.id)))


def the_event(action: str, target_id: int | None = ..., **where) -> AuditEvent:
    found = events(action, target_id, **where)
    assert len(found) == 1, f"{action}: {len(found)} events"
    return found[0]
