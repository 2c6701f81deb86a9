"""A course's report: how far its trainees get, where they stop and how long lessons take.

Every figure is an aggregate the database computes (medians with reports.sql's `median`:
percentile_cont on PostgreSQL, an aggregate registered on SQLite); each query runs once
whatever the number of trainees.

Who is counted: the course's enrolments activated within the period (and, when asked, of
trainees whose home academy is the one chosen), whatever their status now.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, select

from academy.academies.models import Academy
from academy.accounts.models import User
from academy.curricula.models import Lesson, Module, is_current
from academy.enrolment.models import ACTIVE, COMPLETED, Enrolment, LessonProgress
from academy.extensions import db
from academy.quizzes.models import FINISHED, Attempt, QuizResult
from academy.reports.sql import median, medians, seconds_between, within

BREAK = timedelta(hours=3)  # a longer gap between two lessons is a break, not study time
IDLE = timedelta(days=30)  # an enrolment without activity this long has stopped


@dataclass(frozen=True)
class Scope:
    """Whose enrolments a report counts: one course, a period of activation, maybe one academy."""

    course_id: int
    start: datetime
    end: datetime  # the first moment after the period
    academy_id: int | None = None


@dataclass(frozen=True)
class Funnel:
    enrolled: int
    started: int  # at least one lesson done
    half_done: int  # at least half of the lessons done
    all_done: int  # every lesson done
    completed: int  # the enrolment is completed


@dataclass(frozen=True)
class LessonFigures:
    done: int = 0
    stopped: int = 0
    median_minutes: float | None = None  # typical time from the lesson done before
    attempt_minutes: float | None = None  # quizzes: median duration of a finished attempt
    passed: int = 0  # quizzes: trainees who passed


@dataclass(frozen=True)
class Overall:
    median_days_to_complete: float | None
    average_grade: float | None  # percent, of the trainees who completed
    stopped_before_starting: int  # idle without having opened a lesson


def _enrolments(scope: Scope):
    """The enrolments the report counts, as a subquery."""
    stmt = (select(Enrolment.id, Enrolment.user_id, Enrolment.status, Enrolment.activated_at,
                   Enrolment.completed_at, Enrolment.last_lesson_id, Enrolment.last_activity_at,
                   Enrolment.final_grade)
            .where(Enrolment.course_id == scope.course_id, within(Enrolment.activated_at, scope)))
    if scope.academy_id is not None:
        stmt = stmt.join(User, User.id == Enrolment.user_id).where(
            User.academy_id == scope.academy_id)
    return stmt.subquery("scoped")


def _lessons_of(course_id: int):
    return select(Lesson.id).join(Module, Module.id == Lesson.module_id).where(
        Module.course_id == course_id, is_current())


def report_academies(course_id: int) -> list[Academy]:
    """The home academies of the people enrolled in the course (those a report can filter by)."""
    return list(db.session.scalars(select(Academy).where(Academy.id.in_(
        select(User.academy_id).join(Enrolment, Enrolment.user_id == User.id)
        .where(Enrolment.course_id == course_id)))))


def funnel(scope: Scope, lesson_count: int) -> Funnel:
    """How many enrolments reached each step, from enrolled to completed."""
    scoped = _enrolments(scope)
    per_enrolment = (
        select(scoped.c.status, func.count(LessonProgress.id).label("done"))
        .select_from(scoped)
        .outerjoin(LessonProgress, and_(LessonProgress.user_id == scoped.c.user_id,
                                        LessonProgress.lesson_id.in_(_lessons_of(scope.course_id))))
        .group_by(scoped.c.id, scoped.c.status).subquery("per_enrolment"))
    done = per_enrolment.c.done

    def reaching(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    row = db.session.execute(select(
        func.count(), reaching(done > 0), reaching(and_(done > 0, done * 2 >= lesson_count)),
        reaching(and_(done > 0, done >= lesson_count)),
        reaching(per_enrolment.c.status == COMPLETED))).one()
    return Funnel(*(int(value or 0) for value in row))


def lesson_figures(scope: Scope, now: datetime) -> dict[int, LessonFigures]:
    """Per lesson id: who did it, who stopped there, and the typical times (five queries)."""
    done = _done_counts(scope)
    stopped = _stopped_counts(scope, now)
    gaps = _median_gaps(scope)
    attempts = _median_attempts(scope)
    passed = _pass_counts(scope)
    return {lesson_id: LessonFigures(
        done=done.get(lesson_id, 0), stopped=stopped.get(lesson_id, 0),
        median_minutes=gaps.get(lesson_id), attempt_minutes=attempts.get(lesson_id),
        passed=passed.get(lesson_id, 0))
        for lesson_id in {*done, *stopped, *gaps, *attempts, *passed} if lesson_id is not None}


def _done_counts(scope: Scope) -> dict[int, int]:
    scoped = _enrolments(scope)
    stmt = (select(LessonProgress.lesson_id, func.count())
            .join(scoped, scoped.c.user_id == LessonProgress.user_id)
            .where(LessonProgress.lesson_id.in_(_lessons_of(scope.course_id)))
            .group_by(LessonProgress.lesson_id))
    return dict(db.session.execute(stmt).all())


def _idle(scoped, now: datetime):
    """Still enrolled and not completed, with no activity for IDLE or more (counted from the
    activation for who never opened a lesson)."""
    last_seen = func.coalesce(scoped.c.last_activity_at, scoped.c.activated_at)
    return and_(scoped.c.status == ACTIVE, last_seen < now - IDLE)


def _stopped_counts(scope: Scope, now: datetime) -> dict[int | None, int]:
    """Idle enrolments by the lesson they would continue with (None: they never opened one)."""
    scoped = _enrolments(scope)
    stmt = (select(scoped.c.last_lesson_id, func.count()).where(_idle(scoped, now))
            .group_by(scoped.c.last_lesson_id))
    return dict(db.session.execute(stmt).all())


def _median_gaps(scope: Scope) -> dict[int, float]:
    """Per lesson, the median minutes from the same trainee's previous lesson done in this
    course to this one, breaks (gaps over BREAK) left out."""
    scoped = _enrolments(scope)
    ordered = (
        select(LessonProgress.lesson_id, LessonProgress.completed_at,
               func.lag(LessonProgress.completed_at).over(
                   partition_by=LessonProgress.user_id,
                   order_by=(LessonProgress.completed_at, LessonProgress.id)).label("previous_at"))
        .join(scoped, scoped.c.user_id == LessonProgress.user_id)
        .where(LessonProgress.lesson_id.in_(_lessons_of(scope.course_id)))).subquery("ordered")
    seconds = seconds_between(ordered.c.previous_at, ordered.c.completed_at)
    gaps = (select(ordered.c.lesson_id, (seconds / 60.0).label("value"))
            .where(ordered.c.previous_at.is_not(None), seconds >= 0,
                   seconds <= BREAK.total_seconds()))
    return {key: float(value) for key, value in db.session.execute(medians(gaps, "lesson_id"))}


def _median_attempts(scope: Scope) -> dict[int, float]:
    """Per quiz, the median minutes of a finished attempt."""
    scoped = _enrolments(scope)
    durations = (select(Attempt.lesson_id,
                        (seconds_between(Attempt.started_at, Attempt.finished_at) / 60.0
                         ).label("value"))
                 .join(scoped, scoped.c.user_id == Attempt.user_id)
                 .where(Attempt.course_id == scope.course_id, Attempt.status == FINISHED,
                        Attempt.finished_at.is_not(None)))
    return {key: float(value)
            for key, value in db.session.execute(medians(durations, "lesson_id"))}


def _pass_counts(scope: Scope) -> dict[int, int]:
    scoped = _enrolments(scope)
    stmt = (select(QuizResult.lesson_id, func.count())
            .join(scoped, scoped.c.user_id == QuizResult.user_id)
            .where(QuizResult.course_id == scope.course_id, QuizResult.is_passed.is_(True))
            .group_by(QuizResult.lesson_id))
    return dict(db.session.execute(stmt).all())


def overall(scope: Scope, now: datetime) -> Overall:
    """Median days from enrolment to completion and average final grade of those who
    completed, and how many stopped before opening any lesson (two queries)."""
    scoped = _enrolments(scope)
    seconds = seconds_between(scoped.c.activated_at, scoped.c.completed_at)
    # A completion dated before its activation (set by hand, or imported) has no duration.
    median_days, grade = db.session.execute(
        select(median(case((seconds >= 0, seconds / 86400.0))), func.avg(scoped.c.final_grade))
        .where(scoped.c.status == COMPLETED)).one()
    before = db.session.scalar(select(func.count()).where(
        _idle(scoped, now), scoped.c.last_lesson_id.is_(None)))
    return Overall(median_days_to_complete=float(median_days) if median_days is not None else None,
                   average_grade=float(grade) if grade is not None else None,
                   stopped_before_starting=int(before or 0))
