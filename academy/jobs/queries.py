"""Reading jobs."""
from __future__ import annotations

from academy.extensions import db
from academy.jobs.models import Job


def job(job_id: str) -> Job | None:
    if not job_id or len(job_id) != 32:
        return None
    return db.session.get(Job, job_id)
