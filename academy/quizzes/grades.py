"""A person's grades as they read them: per quiz of a course, and per course across their courses.

What a trainee may see of a grade follows each quiz's review options (a score shown "after the
quiz closes" is hidden until then); staff who may see the person see every grade. A fixed number
of statements whatever the number of courses and quizzes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from academy.cohorts.models import CohortMember
from academy.curricula.models import QUIZ, Lesson, Module, is_current
from academy.extensions import db
from academy.quizzes import settings as quiz_settings
from academy.quizzes.models import Attempt, QuizOverride, QuizResult
from academy.quizzes.policy import Review
from academy.quizzes.queries import most_generous


@dataclass
class QuizGrade:
    """One quiz of a course, for one person: its settings for them, their result and attempts."""

    quiz: Lesson
    settings: quiz_settings.QuizSettings
    result: QuizResult | None
    shows_score: bool
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def finished(self) -> list[Attempt]:
        return [a for a in self.attempts if a.is_finished]

    @property
    def in_progress(self) -> Attempt | None:
        return next((a for a in self.attempts if not a.is_finished), None)


@dataclass
class CourseStanding:
    """Where a person stands in one course: the grade they may see and the next date to keep."""

    quizzes: list[QuizGrade]
    next_deadline: datetime | None
    next_deadline_quiz: Lesson | None

    @property
    def grade(self) -> float | None:
        """The course grade (mean of the quiz grades, 0 to 1); None without any grade yet or
        while a quiz's score is still hidden from its reader."""
        graded = [q for q in self.quizzes if q.result is not None]
        if not graded or not all(q.shows_score for q in graded):
            return None
        return sum(q.result.fraction for q in graded) / len(graded)

    @property
    def grade_hidden(self) -> bool:
        return any(q.result is not None and not q.shows_score for q in self.quizzes)

    @property
    def passed(self) -> int:
        return sum(1 for q in self.quizzes if q.result is not None and q.result.is_passed
                   and q.shows_score)


def standings(user_id: int, course_ids: set[int], now: datetime, *, is_staff: bool = False,
              ends_at: dict[int, datetime | None] | None = None,
              with_attempts: bool = False) -> dict[int, CourseStanding]:
    """Per course: each quiz with its settings for this person, their result and (if asked)
    their attempts, and the next deadline (a quiz closing, or the course's end, whichever comes
    first and has not passed). Two statements (three with the attempts): the quizzes with the
    person's results and overrides, and the quizzes' titles."""
    if not course_ids:
        return {}
    cohorts = select(CohortMember.cohort_id).where(CohortMember.user_id == user_id)
    rows = db.session.execute(
        select(Lesson, Module.course_id, QuizResult, QuizOverride)
        .join(Module, Module.id == Lesson.module_id)
        .outerjoin(QuizResult, and_(QuizResult.lesson_id == Lesson.id,
                                    QuizResult.user_id == user_id))
        .outerjoin(QuizOverride, and_(QuizOverride.lesson_id == Lesson.id, or_(
            QuizOverride.user_id == user_id, QuizOverride.cohort_id.in_(cohorts))))
        .where(Module.course_id.in_(course_ids), Lesson.kind == QUIZ, is_current())
        .order_by(Module.course_id, Module.position, Lesson.position)
        .options(selectinload(Lesson.texts))).all()
    quizzes: dict[int, tuple[Lesson, int]] = {}
    results: dict[int, QuizResult] = {}
    found: dict[int, list[QuizOverride]] = {}
    for lesson, course_id, result, override in rows:  # a quiz's row once per override
        quizzes[lesson.id] = (lesson, course_id)
        if result is not None:
            results[lesson.id] = result
        if override is not None:
            found.setdefault(lesson.id, []).append(override)
    overrides = {lesson_id: [o for o in given if o.user_id == user_id] or given
                 for lesson_id, given in found.items()}
    quiz_ids = list(quizzes)
    attempts: dict[int, list[Attempt]] = {}
    if with_attempts and quiz_ids:
        for attempt in db.session.scalars(select(Attempt).where(
                Attempt.user_id == user_id, Attempt.lesson_id.in_(quiz_ids))
                .order_by(Attempt.number)):
            attempts.setdefault(attempt.lesson_id, []).append(attempt)
    per_course: dict[int, list[QuizGrade]] = {course_id: [] for course_id in course_ids}
    for lesson, course_id in quizzes.values():
        settings = quiz_settings.read(lesson.settings).with_override(
            **most_generous(overrides.get(lesson.id, [])))
        per_course[course_id].append(QuizGrade(
            lesson, settings, results.get(lesson.id),
            Review(settings, now, is_staff=is_staff).score, attempts.get(lesson.id, [])))
    ends_at = ends_at or {}
    return {course_id: _standing(grades, ends_at.get(course_id), now)
            for course_id, grades in per_course.items()}


def standings_of_rows(user_id: int, rows, now: datetime, *,
                      is_staff: bool = False) -> dict[int, CourseStanding]:
    """`standings` for a person's rows of enrolment.queries.dashboard: their courses, each
    ending when its rules say."""
    return standings(user_id, {row.course.id for row in rows}, now, is_staff=is_staff,
                     ends_at={row.course.id: row.rules.ends_at if row.rules else None
                              for row in rows})


def _standing(grades: list[QuizGrade], course_ends_at: datetime | None,
              now: datetime) -> CourseStanding:
    """The next date a person must keep: a quiz they have not passed closing, or the course
    ending."""
    dates = [(q.settings.closes_at, q.quiz) for q in grades
             if q.settings.closes_at is not None and q.settings.closes_at > now
             and not (q.result is not None and q.result.is_passed)]
    if course_ends_at is not None and course_ends_at > now:
        dates.append((course_ends_at, None))
    when, quiz = min(dates, key=lambda pair: pair[0]) if dates else (None, None)
    return CourseStanding(grades, when, quiz)
