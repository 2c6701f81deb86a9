"""Reading the audit record."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from academy.academies.models import Academy
from academy.accounts.models import User
from academy.audit.models import AuditEvent
from academy.extensions import db

PAGE_SIZE = 100


def history_of(target_type: str, target_ids: list[int]) -> list[tuple[AuditEvent, User | None]]:
    """The events about some objects, oldest first, with the person who acted."""
    actor = aliased(User)
    stmt = (select(AuditEvent, actor).outerjoin(actor, actor.id == AuditEvent.actor_id)
            .where(AuditEvent.target_type == target_type, AuditEvent.target_id.in_(target_ids))
            .order_by(AuditEvent.at, AuditEvent.id))
    return [tuple(row) for row in db.session.execute(stmt)]


@dataclass(frozen=True)
class LogFilters:
    actor: str | None = None  # a username
    action: str | None = None
    academy_id: int | None = None
    since: date | None = None
    until: date | None = None


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _log(filters: LogFilters, scope: set[int] | None):
    actor = aliased(User)
    stmt = (select(AuditEvent, actor, Academy)
            .outerjoin(actor, actor.id == AuditEvent.actor_id)
            .outerjoin(Academy, Academy.id == AuditEvent.academy_id))
    if scope is not None:
        stmt = stmt.where(AuditEvent.academy_id.in_(scope or {-1}))
    if filters.academy_id:
        stmt = stmt.where(AuditEvent.academy_id == filters.academy_id)
    if filters.actor:
        stmt = stmt.where(actor.username == filters.actor.strip().lower())
    if filters.action:
        stmt = stmt.where(AuditEvent.action == filters.action)
    if filters.since:
        stmt = stmt.where(AuditEvent.at >= _start_of(filters.since))
    if filters.until:
        stmt = stmt.where(AuditEvent.at < _start_of(filters.until + timedelta(days=1)))
    return stmt


def log_page(filters: LogFilters, scope: set[int] | None, page: int) -> tuple[list, int, int]:
    """A page of events (newest first) with actor and academy, the total, and the page shown."""
    stmt = _log(filters, scope)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    page = max(1, min(page, -(-total // PAGE_SIZE)))
    rows = db.session.execute(stmt.order_by(AuditEvent.seq.desc()).limit(PAGE_SIZE)
                              .offset((page - 1) * PAGE_SIZE)).all()
    return [tuple(row) for row in rows], total, page


def log_rows(filters: LogFilters, scope: set[int] | None):
    """Every matching event, oldest first, streamed (for the CSV export)."""
    stmt = _log(filters, scope).order_by(AuditEvent.seq).execution_options(yield_per=1000)
    for row in db.session.execute(stmt):
        yield tuple(row)


def academies_in_scope(scope: set[int] | None) -> list[Academy]:
    stmt = select(Academy).order_by(Academy.slug)
    if scope is not None:
        stmt = stmt.where(Academy.id.in_(scope or {-1}))
    return list(db.session.scalars(stmt))
