"""Writing the audit record."""
from __future__ import annotations

from academy import request_edge
from academy.audit import chain
from academy.audit.models import AuditEvent
from academy.db import utcnow
from academy.extensions import db


def record(action: str, *, actor_id: int | None, target_type: str, target_id: int | None,
           academy_id: int | None = None, details: dict | None = None) -> AuditEvent:
    """Add one audit event, chained to the one before (the caller's transaction commits it
    with the change it describes); it keeps the client's address when a request asked for it."""
    event = AuditEvent(action=action, actor_id=actor_id, target_type=target_type,
                       target_id=target_id, academy_id=academy_id,
                       details=chain.canonical(details), at=utcnow(),
                       address=request_edge.client_address())
    chain.link(event)
    db.session.add(event)
    return event
