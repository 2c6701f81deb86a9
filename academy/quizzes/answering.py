"""Answering an attempt: which answers a submitted page gives, storing them (an idempotent
upsert per question), flags, and whether the attempt still takes answers. Never commits."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from flask_babel import LazyString
from sqlalchemy import bindparam, update

from academy.curricula.models import Course
from academy.extensions import db
from academy.i18n import lazy_gettext as _l
from academy.quizzes import gapselect, queries, responses
from academy.quizzes.closing import finish_attempt
from academy.quizzes.models import IN_PROGRESS, Attempt, AttemptSlot
from academy.quizzes.starting import QuizRefused


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
