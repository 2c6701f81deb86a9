"""Reading the audit record."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import aliased

from academy.accounts.models import User
from academy.audit.models import AuditEvent
from academy.extensions import db


def history_of(target_type: str, target_ids: list[int]) -> list[tuple[AuditEvent, User | None]]:
    """The events about some objects, oldest first, with the person who acted."""
    actor = aliased(User)
    stmt = (select(AuditEvent, actor).outerjoin(actor, actor.id == AuditEvent.actor_id)
            .where(AuditEvent.target_type == target_type, AuditEvent.target_id.in_(target_ids))
            .order_by(AuditEvent.at, AuditEvent.id))
    return [tuple(row) for row in db.session.execute(stmt)]
