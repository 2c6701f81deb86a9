"""Finishing attempts: submitted by the person, or closed by the server once their time is over,
then graded (marking.py). Never commits.

A submission is a single conditional UPDATE (in progress -> finished), so a double click, a
resubmitted form or a second tab records one submission, on SQLite and PostgreSQL alike.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from academy.extensions import db
from academy.quizzes import queries
from academy.quizzes.marking import grade_attempt
from academy.quizzes.models import FINISHED, IN_PROGRESS, Attempt


def submit_attempt(attempt: Attempt, now: datetime) -> bool:
    """Finish the attempt and grade it. False when it was already finished (nothing changes)."""
    return finish_attempt(attempt, now)


def finish_attempt(attempt: Attempt, now: datetime) -> bool:
    """The single step from in progress to finished, then grading; False if already finished."""
    ended = min(now, attempt.deadline_at) if attempt.deadline_at else now
    result = db.session.execute(
        update(Attempt).where(Attempt.id == attempt.id, Attempt.status == IN_PROGRESS)
        .values(status=FINISHED, finished_at=ended).execution_options(synchronize_session=False))
    db.session.refresh(attempt)
    if result.rowcount == 0:
        return False
    grade_attempt(attempt)
    return True


def close_overdue(now: datetime, lesson_id: int | None = None, user_id: int | None = None,
                  course_id: int | None = None) -> int:
    """Finish every attempt past its deadline and grace (graded with what was saved)."""
    closed = 0
    for attempt in queries.overdue_candidates(now, lesson_id, user_id, course_id):
        if attempt.is_overdue(now):
            closed += finish_attempt(attempt, now)
    return closed
