"""Reads the quiz pages and operations need, each in a bounded number of queries."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, tuple_
from sqlalchemy.orm import joinedload, selectinload

from academy.accounts.models import User
from academy.cohorts.models import CohortMember
from academy.curricula.models import QUIZ, Course, Lesson, Module, is_current
from academy.enrolment.models import HOLDING_A_PLACE, Enrolment
from academy.extensions import db
from academy.i18n import content_language
from academy.quizzes import settings as quiz_settings
from academy.quizzes.models import (
    FINISHED,
    IN_PROGRESS,
    Attempt,
    AttemptSlot,
    Question,
    QuestionVersion,
    QuizOverride,
    QuizResult,
)


def version_of(question_id: int, version: int) -> QuestionVersion | None:
    return versions_of([(question_id, version)]).get(question_id)


def versions_of(wanted: list[tuple[int, int]]) -> dict[int, QuestionVersion]:
    """The frozen versions named by (question id, version) pairs, by question id, in one query."""
    if not wanted:
        return {}
    stmt = select(QuestionVersion).where(
        tuple_(QuestionVersion.question_id, QuestionVersion.version).in_(wanted))
    return {version.question_id: version for version in db.session.scalars(stmt)}


def words_of(version: QuestionVersion, locale: str, default_locale: str) -> tuple[dict, str]:
    """A question version's words in `locale`, else in the course's default language, else in
    any, with the language they are in."""
    locale = content_language(locale)
    for code in (locale, default_locale, *version.texts):
        if version.texts.get(code):
            return version.texts[code], code
    return {}, locale


def content_of(version: QuestionVersion, locale: str, default_locale: str) -> dict:
    """A question version's words in `locale`, else in the course's default language."""
    return words_of(version, locale, default_locale)[0]


def lesson_with_texts(lesson_id: int) -> Lesson | None:
    """A quiz lesson with its texts, in one statement (the attempt pages show its title)."""
    return db.session.scalars(select(Lesson).where(Lesson.id == lesson_id)
                              .options(joinedload(Lesson.texts))).unique().first()


def quiz_lesson(course_id: int, lesson_id: int) -> Lesson | None:
    """The quiz lesson of this course (None if the id names a page or another course's lesson)."""
    return db.session.scalar(
        select(Lesson).join(Module, Module.id == Lesson.module_id)
        .where(Lesson.id == lesson_id, Lesson.kind == QUIZ, Module.course_id == course_id,
               is_current()))


def quizzes_of(course_id: int) -> list[Lesson]:
    return list(db.session.scalars(
        select(Lesson).join(Module, Module.id == Lesson.module_id)
        .where(Module.course_id == course_id, Lesson.kind == QUIZ, is_current())
        .order_by(Module.position, Lesson.position)))


def categories_of(course_id: int) -> list[str]:
    """The categories of a course's question bank, in order."""
    return list(db.session.scalars(select(Question.category).where(
        Question.course_id == course_id, Question.category != "").distinct()
        .order_by(Question.category)))


# --- Settings and overrides --------------------------------------------------------------------

def most_generous(overrides: list[QuizOverride]) -> dict:
    """Several cohorts' overrides together: the latest close, the longest time, most attempts."""
    merged: dict = {}
    for override in overrides:
        for key, pick in (("opens_at", min), ("closes_at", max), ("time_limit_minutes", max),
                          ("attempts", max)):
            value = getattr(override, key)
            if value is not None:
                merged[key] = value if key not in merged else pick(merged[key], value)
    return merged


def effective_settings(lesson: Lesson, user_id: int | None) -> quiz_settings.QuizSettings:
    """The quiz's settings for one person: their own override, else their cohorts', else the
    quiz's."""
    base = quiz_settings.read(lesson.settings)
    if user_id is None:
        return base
    cohorts = select(CohortMember.cohort_id).where(CohortMember.user_id == user_id)
    overrides = list(db.session.scalars(select(QuizOverride).where(
        QuizOverride.lesson_id == lesson.id,
        or_(QuizOverride.user_id == user_id, QuizOverride.cohort_id.in_(cohorts)))))
    own = [o for o in overrides if o.user_id == user_id]
    return base.with_override(**most_generous(own or overrides))


def overrides_of(lesson_id: int) -> list[QuizOverride]:
    return list(db.session.scalars(select(QuizOverride).where(QuizOverride.lesson_id == lesson_id)
                                   .order_by(QuizOverride.id)))


# --- Attempts ----------------------------------------------------------------------------------

def attempt_in_progress(lesson_id: int, user_id: int) -> Attempt | None:
    return db.session.scalar(select(Attempt).where(
        Attempt.lesson_id == lesson_id, Attempt.user_id == user_id, Attempt.status == IN_PROGRESS))


def attempts_used(lesson_id: int, user_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Attempt).where(
        Attempt.lesson_id == lesson_id, Attempt.user_id == user_id)) or 0


def attempts_of(lesson_id: int, user_id: int) -> list[Attempt]:
    return list(db.session.scalars(select(Attempt).where(
        Attempt.lesson_id == lesson_id, Attempt.user_id == user_id).order_by(Attempt.number)))


def attempt_with_slots(attempt_id: int) -> Attempt | None:
    """An attempt with its slots and their question versions (two queries in all)."""
    return db.session.scalar(select(Attempt).where(Attempt.id == attempt_id)
                             .options(selectinload(Attempt.slots)))


def overdue_candidates(now: datetime, lesson_id: int | None = None, user_id: int | None = None,
                       course_id: int | None = None) -> list[Attempt]:
    """Attempts in progress whose deadline has passed (the grace period is checked by the
    caller)."""
    stmt = select(Attempt).where(Attempt.status == IN_PROGRESS, Attempt.deadline_at < now)
    if course_id is not None:
        stmt = stmt.where(Attempt.course_id == course_id)
    if lesson_id is not None:
        stmt = stmt.where(Attempt.lesson_id == lesson_id)
    if user_id is not None:
        stmt = stmt.where(Attempt.user_id == user_id)
    return list(db.session.scalars(stmt.options(selectinload(Attempt.slots))))


def graded_fractions(lesson_id: int, user_id: int) -> list[float]:
    """The grades of a person's finished and fully graded attempts, oldest first."""
    return list(db.session.scalars(select(Attempt.fraction).where(
        Attempt.lesson_id == lesson_id, Attempt.user_id == user_id, Attempt.status == FINISHED,
        Attempt.fraction.is_not(None)).order_by(Attempt.number)))


def finished_slots_of(question_id: int):
    """(slot, attempt, course default locale) of every finished answer to a question."""
    stmt = (select(AttemptSlot, Attempt, Course.default_locale)
            .join(Attempt, Attempt.id == AttemptSlot.attempt_id)
            .join(Course, Course.id == Attempt.course_id)
            .where(AttemptSlot.question_id == question_id, Attempt.status == FINISHED)
            .options(selectinload(Attempt.slots)))
    return list(db.session.execute(stmt))


def finished_answer_count(question_id: int) -> int:
    """How many answers in finished attempts a regrade of this question would look at."""
    return db.session.scalar(
        select(func.count()).select_from(AttemptSlot)
        .join(Attempt, Attempt.id == AttemptSlot.attempt_id)
        .where(AttemptSlot.question_id == question_id, Attempt.status == FINISHED)) or 0


def result_of(lesson_id: int, user_id: int) -> QuizResult | None:
    return db.session.get(QuizResult, (lesson_id, user_id))


def course_grade_of(user_id, course_id):
    """The course grade, in percent, of the person and course given as columns (or values):
    the mean of their quiz grades in that course; NULL for a course without quizzes. A scalar
    subquery correlated to the caller's rows, so only those rows' results are read."""
    return (select(func.avg(QuizResult.fraction) * 100)
            .where(QuizResult.user_id == user_id, QuizResult.course_id == course_id)
            .scalar_subquery())


def course_grade(user_id: int, course_id: int) -> float | None:
    """One person's course grade in percent (see course_grade_of), or None without quizzes."""
    value = db.session.scalar(select(course_grade_of(user_id, course_id)))
    return None if value is None else float(value)


def answered_counts(question_ids: list[int]) -> dict[int, int]:
    """How many answers in attempts each question has (a used question is versioned on edit)."""
    if not question_ids:
        return {}
    stmt = (select(AttemptSlot.question_id, func.count()).where(
        AttemptSlot.question_id.in_(question_ids)).group_by(AttemptSlot.question_id))
    return {question_id: n for question_id, n in db.session.execute(stmt)}


# --- Staff views -------------------------------------------------------------------------------

@dataclass
class EssayToGrade:
    attempt: Attempt
    slot: AttemptSlot
    person: User
    quiz: Lesson


def essays_to_grade(course_id: int) -> list[EssayToGrade]:
    """The course's essay answers in finished attempts that no one has graded yet, oldest first."""
    stmt = (select(AttemptSlot, Attempt, User, Lesson)
            .join(Attempt, Attempt.id == AttemptSlot.attempt_id)
            .join(User, User.id == Attempt.user_id).join(Lesson, Lesson.id == Attempt.lesson_id)
            .join(QuestionVersion, QuestionVersion.id == AttemptSlot.version_id)
            .where(Attempt.course_id == course_id, Attempt.status == FINISHED,
                   QuestionVersion.qtype == "essay", AttemptSlot.graded_at.is_(None),
                   AttemptSlot.response.is_not(None))
            .order_by(Attempt.finished_at, AttemptSlot.position))
    return [EssayToGrade(attempt, slot, person, quiz)
            for slot, attempt, person, quiz in db.session.execute(stmt)]


def quiz_attempts(lesson_id: int) -> list[tuple[Attempt, User]]:
    """Every attempt at a quiz with its person, for the quiz's results page."""
    stmt = (select(Attempt, User).join(User, User.id == Attempt.user_id)
            .where(Attempt.lesson_id == lesson_id)
            .order_by(User.sort_name, User.id, Attempt.number))
    return list(db.session.execute(stmt))


@dataclass
class Gradebook:
    quizzes: list[Lesson]
    people: list[User]
    results: dict[tuple[int, int], QuizResult]  # (user id, lesson id)


def gradebook(course_id: int) -> Gradebook:
    """The course's enrolled people against its quizzes, with their results (three queries)."""
    quizzes = quizzes_of(course_id)
    people = list(db.session.scalars(
        select(User).join(Enrolment, Enrolment.user_id == User.id)
        .where(Enrolment.course_id == course_id, Enrolment.status.in_(HOLDING_A_PLACE))
        .order_by(User.sort_name, User.id)))
    results = {(r.user_id, r.lesson_id): r for r in db.session.scalars(
        select(QuizResult).where(QuizResult.course_id == course_id))}
    return Gradebook(quizzes, people, results)
