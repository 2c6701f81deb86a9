"""Background jobs and their progress."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from academy.db import UTCDateTime, utcnow
from academy.extensions import db

QUEUED, RUNNING, FINISHED, FAILED = "queued", "running", "finished", "failed"


class Job(db.Model):
    """One piece of long work: its kind, its input, how far it is and what it produced."""

    __tablename__ = "jobs"

    # 32 random hex digits: a job's address is not guessable from another's.
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                 index=True)
    status: Mapped[str] = mapped_column(String(16), default=QUEUED, index=True)
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    result: Mapped[dict] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last sign of life: set when the job is handed to a runner and every few seconds while
    # one runs it. A job whose heartbeat stops is taken up again (academy/jobs/runner.py).
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    runner: Mapped[str | None] = mapped_column(String(32))  # the run that holds the job
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    run_after: Mapped[datetime | None] = mapped_column(UTCDateTime)  # a retry's earliest start

    @property
    def is_over(self) -> bool:
        return self.status in (FINISHED, FAILED)

    @property
    def percent(self) -> int:
        if self.status == FINISHED:
            return 100
        return int(100 * self.done / self.total) if self.total else 0
