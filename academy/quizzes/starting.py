"""Starting an attempt: the questions drawn for it, frozen as they are now, and laid out on its
pages. Never commits.

The server owns an attempt: it sets the deadline when the attempt starts, accepts answers until
the deadline (plus the quiz's grace period), and closes an overdue attempt itself, graded with what
was saved (answering.py, closing.py).
"""
from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from academy.curricula.models import Course, Lesson
from academy.db import utcnow
from academy.domain_errors import DomainError
from academy.enrolment import operations as enrolment_ops
from academy.enrolment.models import ACTIVE, COMPLETED, Enrolment
from academy.extensions import db
from academy.i18n import lazy_gettext as _l
from academy.quizzes import cloze, queries, slots
from academy.quizzes.models import Attempt, AttemptSlot, Question, QuestionVersion
from academy.quizzes.settings import QuizSettings


class QuizRefused(DomainError):
    """The quiz cannot be started or answered now; the message says why."""


def snapshots(questions: list[Question]) -> dict[int, QuestionVersion]:
    """The frozen copies of the questions' current versions (by question id), each made the
    first time it is used.

    Many trainees may start a new quiz at once: the missing copies are inserted in question-id
    order with ON CONFLICT DO NOTHING, so concurrent starts wait for each other in the same order
    (no deadlock) and none fails on the other's row.
    """
    found = queries.versions_of([(q.id, q.version) for q in questions])
    missing = sorted((q for q in questions if q.id not in found), key=lambda q: q.id)
    if missing:
        insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        db.session.execute(insert(QuestionVersion).values([
            {"question_id": q.id, "course_id": q.course_id, "version": q.version, "ident": q.ident,
             "qtype": q.qtype, "spec": dict(q.spec), "created_at": utcnow(),
             "texts": {text.locale: dict(text.content) for text in q.texts}} for q in missing
        ]).on_conflict_do_nothing(index_elements=["question_id", "version"]))
        found |= queries.versions_of([(q.id, q.version) for q in missing])
    return found


def snapshot(question: Question) -> QuestionVersion:
    """The frozen copy of one question's current version."""
    return snapshots([question])[question.id]


def choice_order(version: QuestionVersion, rng: random.Random, shuffle: bool) -> list[int]:
    """The order a question's choices are shown in (matching items are always shuffled)."""
    if version.qtype == "cloze":  # a list per gap, shuffled for the _S kinds only
        return cloze.choice_order(version.spec, rng)
    if version.qtype not in ("single", "multiple", "matching", "gapselect"):
        return []
    order = list(range(len(version.spec.get("answers", []))))
    if version.qtype == "gapselect":  # as Moodle: the question's and the quiz's shuffle both
        shuffle = shuffle and bool(version.spec.get("shuffle"))
    if shuffle or version.qtype == "matching":  # matches in item order would give them away
        rng.shuffle(order)
    return order


def _check_open(settings: QuizSettings, now: datetime) -> None:
    if settings.opens_at and now < settings.opens_at:
        raise QuizRefused(_l("This quiz is not open yet."))
    if settings.closes_at and now >= settings.closes_at:
        raise QuizRefused(_l("This quiz is closed."))


def _deadline(settings: QuizSettings, now: datetime) -> datetime | None:
    ends = [when for when in (now + settings.time_limit if settings.time_limit else None,
                              settings.closes_at) if when is not None]
    return min(ends) if ends else None


def start_attempt(enrolment: Enrolment | None, lesson: Lesson, course: Course,
                  settings: QuizSettings, locale: str, now: datetime) -> Attempt:
    """The person's attempt in progress, or a new one. Raises QuizRefused."""
    if enrolment is None or enrolment.status not in (ACTIVE, COMPLETED):
        raise QuizRefused(_l("You are not enrolled in this course."))
    current = queries.attempt_in_progress(lesson.id, enrolment.user_id)
    if current is not None:
        return current
    _check_open(settings, now)
    used = queries.attempts_used(lesson.id, enrolment.user_id)
    if settings.attempts and used >= settings.attempts:
        raise QuizRefused(_l("You have used every attempt this quiz allows."))
    questions = slots.draw(lesson, course.id, random.Random(secrets.randbits(64)))
    if not questions:
        raise QuizRefused(_l("This quiz has no questions yet."))
    attempt = Attempt(course_id=course.id, lesson_id=lesson.id, user_id=enrolment.user_id,
                      number=used + 1, locale=locale, started_at=now,
                      deadline_at=_deadline(settings, now),
                      grace_seconds=settings.grace_minutes * 60)
    _lay_out(attempt, questions, settings)
    try:
        with db.session.begin_nested():  # a double click on "Start" makes one attempt
            db.session.add(attempt)
    except IntegrityError:
        return queries.attempt_in_progress(lesson.id, enrolment.user_id)
    enrolment_ops.touch(enrolment, lesson.id, now)
    return attempt


def _lay_out(attempt: Attempt, drawn: list[slots.Drawn], settings: QuizSettings) -> None:
    frozen = snapshots([entry.question for entry in drawn])
    attempt.slots.extend(lay_out(drawn, settings, random.Random(secrets.randbits(64)),
                                 lambda question: frozen[question.id]))
    attempt.pages = max(entry.page for entry in drawn)


def lay_out(drawn: list[slots.Drawn], settings: QuizSettings, rng: random.Random,
            version_of: Callable[[Question], QuestionVersion]) -> list[AttemptSlot]:
    """An attempt's slots: the quiz's pages as laid out, its questions (with their marks)
    shuffled among the positions when the quiz says so, each shown as `version_of` gives it."""
    pages = [entry.page for entry in drawn]
    if settings.shuffle_questions:
        drawn = list(drawn)
        rng.shuffle(drawn)
    laid = []
    for position, (entry, page) in enumerate(zip(drawn, pages, strict=True), start=1):
        version = version_of(entry.question)
        laid.append(AttemptSlot(
            position=position, page=page, question_id=entry.question.id, mark=entry.mark,
            version=version, choice_order=choice_order(version, rng, settings.shuffle_choices)))
    return laid
