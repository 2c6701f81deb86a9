"""Giving back the time a maintenance window took from quizzes (an operation: never commits).

The rule (docs/decisions.md, "Maintenance pauses the quizzes' clocks"): for the length of the
window, the quizzes' clocks stood still.
- An attempt in progress that could still be answered when the window began (its deadline plus
  grace not passed) gets its deadline moved later by the window's length.
- A quiz open at some moment of the window (it had opened before the window ended and had not
  closed before it began) closes later by the window's length; so does a trainee's or a
  cohort's exception to it, by the same test on its own dates.
Opening dates, time limits and attempts that could no longer be answered stay as they were.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from academy.audit import operations as audit
from academy.curricula.models import QUIZ, Course, Lesson, Module
from academy.extensions import db
from academy.quizzes import settings as quiz_settings
from academy.quizzes.models import IN_PROGRESS, Attempt, QuizOverride


@dataclass
class Extension:
    """What moved, by course: attempt ids, quiz (lesson) ids and exception ids."""

    attempts: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    quizzes: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    exceptions: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))

    def count(self, kind: str) -> int:
        return sum(len(ids) for ids in getattr(self, kind).values())

    @property
    def courses(self) -> list[int]:
        return sorted({*self.attempts, *self.quizzes, *self.exceptions})


def extend_for_downtime(started_at: datetime, ended_at: datetime, *,
                        actor_id: int | None = None) -> Extension:
    """Move the deadlines the window [started_at, ended_at) took time from (see the module's
    rule) later by its length; one audit entry per course touched."""
    extension = Extension()
    length = ended_at - started_at
    if length <= timedelta(0):
        return extension
    _extend_attempts(started_at, length, extension)
    opens_by_lesson = _extend_quizzes(started_at, ended_at, length, extension)
    _extend_exceptions(started_at, ended_at, length, opens_by_lesson, extension)
    db.session.flush()
    for course_id in extension.courses:
        _record(course_id, started_at, ended_at, extension, actor_id)
    return extension


def _extend_attempts(started_at: datetime, length: timedelta, extension: Extension) -> None:
    attempts = db.session.scalars(select(Attempt).where(
        Attempt.status == IN_PROGRESS, Attempt.started_at < started_at,
        Attempt.deadline_at.is_not(None)).order_by(Attempt.id))
    for attempt in attempts:
        if attempt.deadline_at + timedelta(seconds=attempt.grace_seconds) > started_at:
            attempt.deadline_at = attempt.deadline_at + length
            extension.attempts[attempt.course_id].append(attempt.id)


def _was_open(opens_at: datetime | None, closes_at: datetime | None, started_at: datetime,
              ended_at: datetime) -> bool:
    return closes_at is not None and closes_at > started_at and \
        (opens_at is None or opens_at < ended_at)


def _utc(when: datetime | None) -> datetime | None:
    """Stored dates are UTC; one written without its zone is read as UTC too."""
    return when.replace(tzinfo=UTC) if when and when.tzinfo is None else when


def _extend_quizzes(started_at: datetime, ended_at: datetime, length: timedelta,
                    extension: Extension) -> dict[int, datetime | None]:
    """Move the quizzes' close dates; returns every quiz's opening date (for its exceptions)."""
    opens: dict[int, datetime | None] = {}
    rows = db.session.execute(select(Lesson, Module.course_id)
                              .join(Module, Module.id == Lesson.module_id)
                              .where(Lesson.kind == QUIZ).order_by(Lesson.id))
    for lesson, course_id in rows:
        current = quiz_settings.read(lesson.settings)
        opens_at, closes_at = _utc(current.opens_at), _utc(current.closes_at)
        opens[lesson.id] = opens_at
        if _was_open(opens_at, closes_at, started_at, ended_at):
            later = closes_at + length
            lesson.settings = {**(lesson.settings or {}), "closes_at": later.isoformat()}
            extension.quizzes[course_id].append(lesson.id)
    return opens


def _extend_exceptions(started_at: datetime, ended_at: datetime, length: timedelta,
                       opens: dict[int, datetime | None], extension: Extension) -> None:
    rows = db.session.execute(select(QuizOverride, Module.course_id)
                              .join(Lesson, Lesson.id == QuizOverride.lesson_id)
                              .join(Module, Module.id == Lesson.module_id)
                              .where(QuizOverride.closes_at > started_at)
                              .order_by(QuizOverride.id))
    for override, course_id in rows:
        opens_at = override.opens_at or opens.get(override.lesson_id)
        if _was_open(opens_at, override.closes_at, started_at, ended_at):
            override.closes_at = override.closes_at + length
            extension.exceptions[course_id].append(override.id)


def _record(course_id: int, started_at: datetime, ended_at: datetime, extension: Extension,
            actor_id: int | None) -> None:
    course = db.session.get(Course, course_id)
    audit.record("quiz.downtime_extension", actor_id=actor_id, target_type="course",
                 target_id=course_id, academy_id=course.academy_id if course else None, details={
                     "window_started_at": started_at.isoformat(),
                     "window_ended_at": ended_at.isoformat(),
                     "seconds": int((ended_at - started_at).total_seconds()),
                     "attempts": extension.attempts.get(course_id, []),
                     "quizzes": extension.quizzes.get(course_id, []),
                     "exceptions": extension.exceptions.get(course_id, [])})
