"""Writing the audit record."""
from __future__ import annotations

from flask import has_request_context, request

from academy.audit import chain
from academy.audit.models import AuditEvent
from academy.db import utcnow
from academy.extensions import db


def record(action: str, *, actor_id: int | None, target_type: str, target_id: int | None,
           academy_id: int | None = None, details: dict | None = None) -> AuditEvent:
    """Add one audit event, chained to the one before (the caller's transaction commits it
    with the change it describes)."""
    event = AuditEvent(action=action, actor_id=actor_id, target_type=target_type,
                       target_id=target_id, academy_id=academy_id,
                       details=chain.canonical(details), at=utcnow(),
                       address=(request.remote_addr or None) if has_request_context() else None)
    chain.link(event)
    db.session.add(event)
    return event
