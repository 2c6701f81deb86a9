"""Every change to attempts and quiz results. Never commits.

The server owns an attempt: it sets the deadline when the attempt starts, accepts answers until
the deadline (plus the quiz's grace period), and closes an overdue attempt itself, graded with what
was saved. A submission is a single conditional UPDATE (in progress -> finished), so a double
click, a resubmitted form or a second tab records one submission, on SQLite and PostgreSQL alike.
"""
from __future__ import annotations

import random
from collections.abc import Callable
import secrets
from dataclasses import dataclass, replace
from datetime import datetime

from flask_babel import LazyString
from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from academy.audit import operations as audit
from academy.curricula import queries as course_queries
from academy.curricula.models import Course, Lesson
from academy.i18n import lazy_gettext as _l
from academy.quizzes.models import Question
from academy.db import utcnow
from academy.domain import DomainError
from academy.enrolment import operations as enrolment_ops
from academy.enrolment.models import ACTIVE, COMPLETED, Enrolment
from academy.extensions import db
from academy.quizzes import cloze, gapselect, grading, queries, responses, slots
from academy.quizzes import settings as quiz_settings
from academy.quizzes.models import (FINISHED, IN_PROGRESS, Attempt, AttemptSlot, QuestionVersion,
                                    QuizOverride, QuizResult)
from academy.quizzes.settings import AVERAGE, FIRST, LAST, QuizSettings


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
                      deadline_at=_deadline(settings, now), grace_seconds=settings.grace_minutes * 60)
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
    for position, (entry, page) in enumerate(zip(drawn, pages), start=1):
        version = version_of(entry.question)
        laid.append(AttemptSlot(
            position=position, page=page, question_id=entry.question.id, mark=entry.mark,
            version=version, choice_order=choice_order(version, rng, settings.shuffle_choices)))
    return laid


# --- Answering ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Refusal:
    """Why an attempt takes no more answers; `closed`: the call that said so closed the attempt
    (it was overdue), which the caller keeps by committing."""

    message: LazyString
    closed: bool = False


def refusal_to_answer(attempt: Attempt, now: datetime) -> Refusal | None:
    """Why the attempt takes no more answers now, or None (reads only)."""
    if attempt.status != IN_PROGRESS:
        return Refusal(_l("This attempt has been submitted; answers can no longer change."))
    if attempt.is_overdue(now):
        return Refusal(_l("The time for this attempt is over. It was submitted with the answers "
                          "saved before the deadline."))
    return None


def check_answerable(attempt: Attempt, now: datetime) -> None:
    """Raises QuizRefused if the attempt takes no more answers (nothing is written)."""
    refusal = refusal_to_answer(attempt, now)
    if refusal is not None:
        raise QuizRefused(refusal.message)


def close_if_over(attempt: Attempt, now: datetime) -> Refusal | None:
    """None while the attempt takes answers; else why not, an overdue attempt being closed first
    (graded with the answers saved before the deadline: the refusal says `closed`)."""
    refusal = refusal_to_answer(attempt, now)
    if refusal is not None and attempt.status == IN_PROGRESS:
        finish_attempt(attempt, now)
        return replace(refusal, closed=True)
    return refusal


def read_page(attempt: Attempt, page: int, form) -> tuple[dict[int, object], dict[int, str]]:
    """The responses a submitted page gives, and the messages for the answers that were refused.

    Only the questions the form names are read: by an answer field, or by a `shown` field (the
    page lists its questions, so an unticked checkbox list is read as "no choice" rather than
    "not sent"). Fields naming a question that is not on this page refuse the whole page.
    """
    slots = {slot.position: slot for slot in attempt.slots if slot.page == page}
    named = responses.positions_named(form)
    if not named <= set(slots):
        raise responses.AnswerRejected(_l("The form holds answers to questions that are not on "
                                          "this page of your attempt. Nothing was saved."))
    named |= shown_on(page, attempt, form)
    values, problems = {}, {}
    for position, slot in ((p, s) for p, s in slots.items() if p in named):
        items = len(slot.version.spec.get("answers", []))
        if slot.version.qtype == gapselect.QTYPE:  # what each place offers, in its language
            items = gapselect.allowed(slot.version.spec, _content(slot, attempt))
        try:
            values[position] = responses.read(slot.version.qtype, slot.choice_order, items, form,
                                              position, spec=slot.version.spec)
        except responses.AnswerRejected as error:
            problems[position] = error.message
    return values, problems


def _content(slot: AttemptSlot, attempt: Attempt) -> dict:
    """The words the attempt shows for a slot (its language, else the course's default)."""
    course = db.session.get(Course, attempt.course_id)
    return queries.content_of(slot.version, attempt.locale, course.default_locale)


def shown_on(page: int, attempt: Attempt, form) -> set[int]:
    """The questions of this page that a submitted form says it showed."""
    slots = {slot.position for slot in attempt.slots if slot.page == page}
    return {int(v) for v in form.getlist("shown") if v.isdigit() and int(v) in slots}


def flags_in(form) -> set[int]:
    """The questions a submitted form marks as flagged."""
    return {int(v) for v in form.getlist("flagged") if v.isdigit() and len(v) < 6}


def save_answers(attempt: Attempt, values: dict[int, object], seq: int, now: datetime) -> int:
    """Store responses by (attempt, position), each unless a newer save already stored one.

    An idempotent upsert: the slot rows exist from the start, and a retried or late save with an
    older sequence number changes nothing. Returns how many answers were stored.
    """
    check_answerable(attempt, now)
    if not values:
        return 0
    slots = AttemptSlot.__table__
    stmt = (update(slots)
            .where(slots.c.attempt_id == bindparam("attempt"), slots.c.position == bindparam("at"),
                   slots.c.saved_seq <= bindparam("seq"))
            .values(response=bindparam("answer"), saved_seq=bindparam("seq"), saved_at=now))
    result = db.session.execute(stmt, [  # one statement for the whole page (executemany)
        {"attempt": attempt.id, "at": position, "answer": value, "seq": seq}
        for position, value in values.items()])
    db.session.expire(attempt, ["slots"])
    return result.rowcount


def save_flags(attempt: Attempt, positions: set[int], flagged: set[int], seq: int, *,
               before: set[int]) -> None:
    """Flag the questions `flagged` and unflag the other `positions` of a save (the questions
    it names), unless a newer save already stored an answer there. `before`: the questions
    flagged when the save was read; only changes are written (most saves change no flag)."""
    slots = AttemptSlot.__table__
    changes = ((True, (positions & flagged) - before), (False, (positions - flagged) & before))
    for value, chosen in changes:
        if chosen:
            db.session.execute(update(slots).where(
                slots.c.attempt_id == attempt.id, slots.c.position.in_(chosen),
                slots.c.saved_seq <= seq).values(flagged=value))
    if any(chosen for _value, chosen in changes):
        db.session.expire(attempt, ["slots"])


# --- Finishing and grading ---------------------------------------------------------------------

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


def _grade_slot(slot: AttemptSlot, locale: str, default_locale: str) -> None:
    if slot.version.qtype == "essay":
        if slot.response is None and slot.graded_at is None:
            slot.fraction = 0.0  # nothing to read: nothing earned, nobody needs to grade it
        return
    content = queries.content_of(slot.version, locale, default_locale)
    slot.fraction = grading.grade(slot.version.qtype, slot.version.spec, content, slot.response)


def grade_attempt(attempt: Attempt) -> None:
    """Grade every automatically graded answer, then the attempt and the person's quiz result."""
    course = db.session.get(Course, attempt.course_id)
    for slot in attempt.slots:
        _grade_slot(slot, attempt.locale, course.default_locale)
    _total(attempt)
    db.session.flush()
    update_result(attempt.lesson_id, attempt.user_id)


def _total(attempt: Attempt) -> None:
    """The attempt's grade: its answers' fractions weighted by their marks (equal weights when
    every mark is 0); None while an answer waits for grading."""
    fractions = [slot.fraction for slot in attempt.slots]
    if None in fractions or not fractions:
        attempt.fraction = None
        return
    marks = [0.0 if slot.version.qtype == "description" else slot.mark for slot in attempt.slots]
    if not sum(marks):
        marks = [0.0 if slot.version.qtype == "description" else 1.0 for slot in attempt.slots]
    if not sum(marks):  # descriptions only: nothing to grade
        attempt.fraction = 0.0
        return
    attempt.fraction = sum(f * m for f, m in zip(fractions, marks)) / sum(marks)


def _record(action: str, course_id: int, target_type: str, target_id: int,
            actor_id: int | None, details: dict) -> None:
    """Audit a change to a course's quizzes or grades (filed under the course's academy)."""
    course = db.session.get(Course, course_id)
    audit.record(action, actor_id=actor_id, target_type=target_type, target_id=target_id,
                 academy_id=course.academy_id if course else None, details=details)


def grade_essay(attempt: Attempt, slot: AttemptSlot, fraction: float, comment: str, grader,
                now: datetime) -> None:
    """A person's mark (0..1) and comment on an answer; the attempt's grade follows (audited,
    with the mark before). Raises QuizRefused while the attempt is in progress."""
    if attempt.status != FINISHED:
        raise QuizRefused(_l("This attempt is still in progress."))
    _record("quiz.essay_grade", attempt.course_id, "attempt", attempt.id, grader.id, {
        "attempt_id": attempt.id, "position": slot.position, "user_id": attempt.user_id,
        "before": slot.fraction if slot.graded_at is not None else None, "after": fraction})
    slot.fraction, slot.comment = fraction, comment.strip()
    slot.graded_by_id, slot.graded_at = grader.id, now
    _total(attempt)
    db.session.flush()
    update_result(attempt.lesson_id, attempt.user_id)


def _combine(method: str, fractions: list[float]) -> float:
    if method == AVERAGE:
        return sum(fractions) / len(fractions)
    if method == FIRST:
        return fractions[0]
    if method == LAST:
        return fractions[-1]
    return max(fractions)


def record_final_grade(enrolment: Enrolment) -> None:
    """Keep a completed enrolment's final grade (the course grade) with it: registered to run
    on completion, and called again whenever a quiz grade of a completed course changes."""
    if enrolment.status == COMPLETED:
        enrolment.final_grade = queries.course_grade(enrolment.user_id, enrolment.course_id)


def update_result(lesson_id: int, user_id: int) -> QuizResult | None:
    """Recompute a person's quiz grade; passing it marks the quiz done for course completion,
    and a completed course's final grade follows it."""
    lesson = db.session.get(Lesson, lesson_id)
    course_id = lesson.module.course_id
    settings = queries.effective_settings(lesson, user_id)
    graded = queries.graded_fractions(lesson_id, user_id)
    result = db.session.get(QuizResult, (lesson_id, user_id))
    enrolment = db.session.scalar(select(Enrolment).where(
        Enrolment.course_id == course_id, Enrolment.user_id == user_id))
    # Completing the course records its final grade (a completion listener); a course already
    # completed gets its final grade again here, since this quiz grade is part of it.
    was_completed = enrolment is not None and enrolment.status == COMPLETED
    if not graded:
        if result is not None:
            db.session.delete(result)
            db.session.flush()
        result = None
    else:
        if result is None:
            result = QuizResult(lesson_id=lesson_id, user_id=user_id, course_id=course_id)
            db.session.add(result)
        result.fraction = _combine(settings.grading_method, graded)
        result.attempts = len(graded)
        result.is_passed = result.fraction * 100 + 1e-9 >= settings.pass_mark
        db.session.flush()
        if result.is_passed and enrolment is not None and enrolment.status in (ACTIVE, COMPLETED):
            # "Continue where you left off" then leads on, not back to the quiz just passed.
            enrolment_ops.complete_lesson(enrolment, lesson,
                                          course_queries.following_lesson_id(lesson))
    if was_completed:
        record_final_grade(enrolment)
    return result


# --- Regrading ---------------------------------------------------------------------------------

def _compatible(old: QuestionVersion, new: QuestionVersion) -> bool:
    """Whether answers given to `old` mean the same thing for `new` (same type and choices)."""
    if old.qtype == "cloze" == new.qtype:  # same gaps, same kinds, same number of choices
        return cloze.choice_order(old.spec, None) == cloze.choice_order(new.spec, None) and \
            [g.get("kind") for g in old.spec.get("gaps", [])] == \
            [g.get("kind") for g in new.spec.get("gaps", [])]
    return old.qtype == new.qtype and \
        len(old.spec.get("answers", [])) == len(new.spec.get("answers", []))


def regrade_question(question: Question, *, actor_id: int | None = None) -> tuple[int, int, int]:
    """Move finished attempts to the question's current version and grade them again (audited).

    Returns (answers regraded, attempts whose grade changed, answers left on their version
    because the question's type or number of choices changed).
    """
    current = snapshot(question)
    db.session.flush()
    regraded, kept, changed = 0, 0, set()
    for slot, attempt, default_locale in queries.finished_slots_of(question.id):
        if not _compatible(slot.version, current):
            kept += 1
            continue
        before = attempt.fraction
        slot.version = current
        if current.qtype != "essay":
            _grade_slot(slot, attempt.locale, default_locale)
        _total(attempt)
        regraded += 1
        if before != attempt.fraction:
            changed.add(attempt)
    db.session.flush()
    for attempt in changed:
        update_result(attempt.lesson_id, attempt.user_id)
    _record("quiz.regrade", question.course_id, "question", question.id, actor_id, {
        "question_id": question.id, "version": current.version, "attempts": regraded,
        "grades_changed": len(changed), "kept": kept})
    return regraded, len(changed), kept


# --- Settings and overrides --------------------------------------------------------------------

def save_settings(lesson: Lesson, settings: QuizSettings) -> None:
    """Store a quiz's settings; a new number of questions per page lays its pages out again.
    Raises QuizRefused when the dates are the wrong way round (nothing is written then)."""
    if settings.opens_at and settings.closes_at and settings.closes_at <= settings.opens_at:
        raise QuizRefused(_l("The quiz must close after it opens."), "closes_at")
    before = quiz_settings.read(lesson.settings).questions_per_page
    lesson.settings = quiz_settings.write(settings)
    if settings.questions_per_page != before:
        slots.repaginate(lesson.id, settings.questions_per_page)
    db.session.flush()


def save_dates(lesson: Lesson, *, opens_at, closes_at) -> None:
    """Set only when the quiz opens and closes (the other settings stay). Raises QuizRefused
    when the dates are the wrong way round (nothing is written then)."""
    current = quiz_settings.read(lesson.settings)
    save_settings(lesson, replace(current, opens_at=opens_at, closes_at=closes_at))


def add_override(lesson: Lesson, *, user_id: int | None, cohort_id: int | None,
                 actor_id: int | None = None, **values) -> QuizOverride:
    """Other dates, time or attempts for one person or one cohort (replacing theirs, if any;
    audited). Raises QuizRefused."""
    if (user_id is None) == (cohort_id is None):
        raise QuizRefused(_l("Choose a trainee or a cohort."), "who")
    if all(value is None for value in values.values()):
        raise QuizRefused(_l("Change at least one setting for this trainee or cohort."))
    if values.get("opens_at") and values.get("closes_at") and \
            values["closes_at"] <= values["opens_at"]:
        raise QuizRefused(_l("The quiz must close after it opens."), "closes_at")
    for old in queries.overrides_of(lesson.id):
        if (old.user_id, old.cohort_id) == (user_id, cohort_id):
            db.session.delete(old)
    override = QuizOverride(lesson_id=lesson.id, user_id=user_id, cohort_id=cohort_id, **values)
    db.session.add(override)
    db.session.flush()
    _record("quiz.override_add", lesson.module.course_id, "lesson", lesson.id, actor_id,
            _override_details(override))
    return override


def delete_override(override: QuizOverride, *, actor_id: int | None = None) -> None:
    """Remove a trainee's or a cohort's exception (audited)."""
    lesson = db.session.get(Lesson, override.lesson_id)
    _record("quiz.override_delete", lesson.module.course_id, "lesson", lesson.id, actor_id,
            _override_details(override))
    db.session.delete(override)
    db.session.flush()


def _override_details(override: QuizOverride) -> dict:
    # Dates as ISO text: the details are plain JSON.
    when = {name: getattr(override, name) for name in ("opens_at", "closes_at")}
    return {"override_id": override.id, "user_id": override.user_id,
            "cohort_id": override.cohort_id,
            "time_limit_minutes": override.time_limit_minutes, "attempts": override.attempts,
            **{name: value.isoformat() if value else None for name, value in when.items()}}
