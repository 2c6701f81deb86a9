"""Reads for dashboards and rosters, aggregated in SQL (a fixed number of queries)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.orm import joinedload, selectinload

from academy.accounts.models import User
from academy.curricula.models import Course, Lesson, Module, is_current
from academy.enrolment.models import (
    HOLDING_A_PLACE,
    WAITLISTED,
    Enrolment,
    EnrolmentRules,
    LessonProgress,
)
from academy.extensions import db


@dataclass
class Progress:
    done: int
    required: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.required) if self.required else 0


@dataclass
class Reading:
    """A course as one reader meets it: the course, their enrolment, the course's rules row."""

    course: Course
    enrolment: Enrolment | None
    rules: EnrolmentRules | None  # None: the course has none (open, no limits)


def course_for_reader(user, course_id: int, *, with_topics: bool = False) -> Reading | None:
    """The course with its academy and texts (and topics if asked), this person's enrolment and
    the course's rules, in one statement: the pages a trainee reads most start with these."""
    options = [joinedload(Course.texts)]
    if with_topics:
        options.append(joinedload(Course.tag_rows))
    stmt = (select(Course, EnrolmentRules)
            .outerjoin(EnrolmentRules, EnrolmentRules.course_id == Course.id)
            .where(Course.id == course_id).options(*options))
    if user.is_authenticated:
        stmt = stmt.add_columns(Enrolment).outerjoin(Enrolment, and_(
            Enrolment.course_id == Course.id, Enrolment.user_id == user.id))
    row = db.session.execute(stmt).unique().first()
    if row is None:
        return None
    return Reading(row[0], row[2] if len(row) > 2 else None, row[1])


def enrolment_of(user, course_id: int) -> Enrolment | None:
    if not user.is_authenticated:
        return None
    return db.session.scalar(select(Enrolment).where(Enrolment.course_id == course_id,
                                                     Enrolment.user_id == user.id))


def required_counts(course_ids: set[int]) -> dict[int, int]:
    """How many lessons each course's completion asks for."""
    if not course_ids:
        return {}
    stmt = (select(Module.course_id, func.count(Lesson.id))
            .join(Lesson, Lesson.module_id == Module.id)
            .where(Module.course_id.in_(course_ids), is_current()).group_by(Module.course_id))
    return {course_id: n for course_id, n in db.session.execute(stmt)}


def _required_lessons(course_ids):
    """SQL: the lessons of these courses (a subquery, so progress is read by lesson index)."""
    return (select(Lesson.id).join(Module, Module.id == Lesson.module_id)
            .where(Module.course_id.in_(course_ids), is_current()))


@dataclass
class DashboardRow:
    enrolment: Enrolment
    course: Course
    progress: Progress
    rules: EnrolmentRules | None


def dashboard(user) -> list[DashboardRow]:
    """The person's courses with progress and dates, in three statements whatever their number."""
    rows = db.session.execute(
        select(Enrolment, Course, EnrolmentRules)
        .join(Course, Course.id == Enrolment.course_id)
        .outerjoin(EnrolmentRules, EnrolmentRules.course_id == Course.id)
        .where(Enrolment.user_id == user.id, Enrolment.status != "withdrawn")
        .order_by(Enrolment.last_activity_at.desc().nulls_last(), Enrolment.requested_at.desc())
        .options(selectinload(Course.texts))).all()
    progress = progress_counts(user.id, {course.id for _, course, _ in rows})
    return [DashboardRow(enrolment, course, progress.get(course.id, Progress(0, 0)), rules)
            for enrolment, course, rules in rows]


def progress_counts(user_id: int, course_ids: set[int]) -> dict[int, Progress]:
    """Per course: the lessons its completion asks for, and how many of them one person did."""
    if not course_ids:
        return {}
    stmt = (select(Module.course_id, func.count(LessonProgress.id), func.count(Lesson.id))
            .join(Lesson, Lesson.module_id == Module.id)
            .outerjoin(LessonProgress, and_(LessonProgress.lesson_id == Lesson.id,
                                            LessonProgress.user_id == user_id))
            .where(Module.course_id.in_(course_ids), is_current()).group_by(Module.course_id))
    return {course_id: Progress(done, required)
            for course_id, done, required in db.session.execute(stmt)}


@dataclass
class RosterRow:
    enrolment: Enrolment
    person: User
    progress: Progress


def roster(course_id: int, status: str | None = None) -> list[RosterRow]:
    """Everyone enrolled in a course, with their progress, in a fixed number of queries."""
    stmt = (select(Enrolment, User).join(User, User.id == Enrolment.user_id)
            .where(Enrolment.course_id == course_id).order_by(User.sort_name, User.id))
    if status:
        stmt = stmt.where(Enrolment.status == status)
    rows = db.session.execute(stmt).all()
    required = required_counts({course_id}).get(course_id, 0)
    per_user = dict(db.session.execute(
        select(LessonProgress.user_id, func.count(LessonProgress.id))
        .where(LessonProgress.lesson_id.in_(_required_lessons({course_id})))
        .group_by(LessonProgress.user_id)).all())
    return [RosterRow(e, u, Progress(per_user.get(u.id, 0), required)) for e, u in rows]


def waiting_position(enrolment: Enrolment) -> int:
    """1 for the first person on the waiting list."""
    return (db.session.scalar(select(func.count()).select_from(Enrolment).where(
        Enrolment.course_id == enrolment.course_id, Enrolment.status == WAITLISTED,
        Enrolment.requested_at < enrolment.requested_at)) or 0) + 1


def places_left(course_id: int, rules: EnrolmentRules) -> int | None:
    if rules.capacity is None:
        return None
    taken = db.session.scalar(select(func.count()).select_from(Enrolment).where(
        Enrolment.course_id == course_id, Enrolment.status.in_(HOLDING_A_PLACE))) or 0
    return max(0, rules.capacity - taken)


def progress_grid(course_id: int) -> dict[int, set[int]]:
    """The lessons each person has done in a course, in one query."""
    lessons = select(Lesson.id).join(Module, Module.id == Lesson.module_id).where(
        Module.course_id == course_id, is_current())
    stmt = select(LessonProgress.user_id, LessonProgress.lesson_id).where(
        LessonProgress.lesson_id.in_(lessons))
    done: dict[int, set[int]] = {}
    for user_id, lesson_id in db.session.execute(stmt):
        done.setdefault(user_id, set()).add(lesson_id)
    return done
