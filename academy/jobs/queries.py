"""Reading jobs."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from academy.extensions import db
from academy.jobs.models import QUEUED, Job


def job(job_id: str) -> Job | None:
    if not job_id or len(job_id) != 32:
        return None
    return db.session.get(Job, job_id)


@dataclass(frozen=True)
class Census:
    """How many jobs are in each state, and when the oldest queued one was created."""

    by_status: dict[str, int]
    oldest_queued_at: datetime | None


def census() -> Census:
    """Jobs per state and the oldest queued job's creation time, in one query (for monitoring)."""
    rows = db.session.execute(select(Job.status, func.count(), func.min(Job.created_at))
                              .group_by(Job.status)).all()
    oldest = next((first for status, _count, first in rows if status == QUEUED), None)
    return Census({status: count for status, count, _first in rows}, oldest)
