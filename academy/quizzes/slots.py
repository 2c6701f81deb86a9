"""A quiz's slots: which bank questions and random draws it holds, in what order, on which page,
for what mark. Reads are bounded; changes flush and never commit, and a refused change writes
nothing (every check comes before the first write).

Pages belong to positions: moving or reordering questions keeps the pages' sizes, as on paper.
"""
from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from academy.curricula.models import Lesson
from academy.domain_errors import DomainError
from academy.extensions import db
from academy.i18n import lazy_gettext as _l
from academy.quizzes import settings as quiz_settings
from academy.quizzes.models import FINISHED, Attempt, Question, QuizSlot

MAX_SLOTS = 200
MAX_MARK = 100.0


class LayoutRefused(DomainError):
    """A change to a quiz's questions that its rules refuse (nothing was changed)."""


# --- Reads ---------------------------------------------------------------------------------------

def slots_of(lesson_id: int) -> list[QuizSlot]:
    """The quiz's slots in order, their questions and words loaded (three queries)."""
    return list(db.session.scalars(
        select(QuizSlot).where(QuizSlot.lesson_id == lesson_id).order_by(QuizSlot.position)
        .options(selectinload(QuizSlot.question).selectinload(Question.texts))))


def finished_attempts(lesson_id: int) -> int:
    """How many finished attempts the quiz has (its question list is locked while any exist)."""
    return db.session.scalar(select(func.count()).select_from(Attempt).where(
        Attempt.lesson_id == lesson_id, Attempt.status == FINISHED)) or 0


def quiz_ids_of_questions(question_ids: Iterable[int]) -> dict[int, list[int]]:
    """The quizzes (lesson ids) each question is placed in, in one query."""
    ids = list(question_ids)
    found: dict[int, list[int]] = {}
    if not ids:
        return found
    rows = db.session.execute(select(QuizSlot.question_id, QuizSlot.lesson_id)
                              .where(QuizSlot.question_id.in_(ids))
                              .order_by(QuizSlot.lesson_id)).all()
    for question_id, lesson_id in rows:
        if lesson_id not in found.setdefault(question_id, []):
            found[question_id].append(lesson_id)
    return found


@dataclass(frozen=True)
class Drawn:
    """A question an attempt will show, with its slot's page and mark."""
    question: Question
    page: int
    mark: float


def draw(lesson: Lesson, course_id: int, rng: random.Random) -> list[Drawn]:
    """The questions of a new attempt: the fixed ones as placed, each random slot filled with a
    question of its category that the attempt does not already show (a slot whose category has
    none left stays empty)."""
    slots = slots_of(lesson.id)
    taken = {slot.question_id for slot in slots if slot.question_id}
    pools: dict[str, list[Question]] = {}
    drawn: list[Drawn] = []
    for slot in slots:
        question = slot.question
        if slot.is_random:
            pool = pools.get(slot.category)
            if pool is None:
                pool = pools[slot.category] = list(db.session.scalars(select(Question).where(
                    Question.course_id == course_id, Question.category == slot.category)
                    .order_by(Question.id)))
            left = [q for q in pool if q.id not in taken]
            question = rng.choice(left) if left else None
        if question is not None:
            taken.add(question.id)
            drawn.append(Drawn(question, slot.page, slot.mark))
    return drawn


# --- Changes -------------------------------------------------------------------------------------

def check_unlocked(lesson: Lesson, confirmed: bool) -> None:
    """Raise LayoutRefused while finished attempts exist, unless the author confirmed."""
    if not confirmed and finished_attempts(lesson.id):
        raise LayoutRefused(_l(
            "Trainees have finished attempts at this quiz: unlock the question list first."))


def _next_page(slots: list[QuizSlot], per_page: int) -> int:
    if not slots:
        return 1
    last = slots[-1].page
    on_last = sum(1 for slot in slots if slot.page == last)
    return last + 1 if per_page and on_last >= per_page else last


def _append(lesson: Lesson, slots: list[QuizSlot], **values) -> QuizSlot:
    """A slot at the end of the quiz, on a new page when the last one holds the quiz's
    questions per page."""
    per_page = quiz_settings.read(lesson.settings).questions_per_page
    slot = QuizSlot(lesson_id=lesson.id, position=len(slots) + 1,
                    page=_next_page(slots, per_page), mark=1.0, **values)
    db.session.add(slot)
    slots.append(slot)
    return slot


def _room(held: int, wanted: int) -> None:
    if held + wanted > MAX_SLOTS:
        raise LayoutRefused(_l("A quiz holds at most %(max)d questions.", max=MAX_SLOTS))


def check_room(lesson: Lesson, wanted: int) -> None:
    """Raise LayoutRefused when `wanted` more slots would make the quiz too long."""
    _room(db.session.scalar(select(func.count()).select_from(QuizSlot)
                            .where(QuizSlot.lesson_id == lesson.id)) or 0, wanted)


def add_questions(lesson: Lesson, questions: list[Question]) -> int:
    """Place bank questions at the end of the quiz (those already in it are left where they
    are). Returns how many were added. Raises LayoutRefused when the quiz would be too long."""
    slots = slots_of(lesson.id)
    placed = {slot.question_id for slot in slots}
    new = [q for q in dict.fromkeys(questions) if q.id not in placed]
    _room(len(slots), len(new))
    for question in new:
        slot = _append(lesson, slots, question_id=question.id)
        if question.qtype == "description":
            slot.mark = 0.0  # information between questions earns nothing
    db.session.flush()
    return len(new)


def add_random(lesson: Lesson, category: str, count: int, categories: Iterable[str]) -> None:
    """Add `count` slots that each draw a question of `category` at random. Raises
    LayoutRefused for an unknown category or a count out of range."""
    if category not in set(categories):
        raise LayoutRefused(_l("Choose a category of this course's question bank."), "category")
    if not 1 <= count <= MAX_SLOTS:
        raise LayoutRefused(_l("Give a number of questions from 1 to %(max)d.", max=MAX_SLOTS),
                            "count")
    slots = slots_of(lesson.id)
    _room(len(slots), count)
    for _ in range(count):
        _append(lesson, slots, category=category)
    db.session.flush()


def _pages(pages: list[int]) -> list[int]:
    """The same pages numbered 1, 2, 3… without gaps."""
    numbers: dict[int, int] = {}
    return [numbers.setdefault(page, len(numbers) + 1) for page in pages]


def _lay(ordered: list[QuizSlot], pages: list[int]) -> None:
    for position, (slot, page) in enumerate(zip(ordered, pages, strict=True), start=1):
        slot.position, slot.page = position, page


def forget_question(question_id: int) -> None:
    """Take a question out of every quiz that holds it (before it leaves the bank)."""
    lesson_ids = set(db.session.scalars(select(QuizSlot.lesson_id)
                                        .where(QuizSlot.question_id == question_id)))
    for lesson_id in lesson_ids:
        for slot in slots_of(lesson_id):
            if slot.question_id == question_id:
                _remove(lesson_id, slot.id)


def remove_slot(lesson: Lesson, slot_id: int) -> None:
    """Take a slot out of the quiz (the question stays in the bank)."""
    _remove(lesson.id, slot_id)


def _remove(lesson_id: int, slot_id: int) -> None:
    slots = slots_of(lesson_id)
    gone = next((slot for slot in slots if slot.id == slot_id), None)
    if gone is None:
        return
    kept = [slot for slot in slots if slot is not gone]
    db.session.delete(gone)
    _lay(kept, _pages([slot.page for slot in kept]))
    db.session.flush()


def reorder(lesson: Lesson, slot_ids: list[int]) -> None:
    """Put the slots in the order given (every slot of the quiz, once); the pages keep their
    sizes. Raises LayoutRefused when the list does not name exactly the quiz's slots."""
    slots = slots_of(lesson.id)
    by_id = {slot.id: slot for slot in slots}
    if sorted(slot_ids) != sorted(by_id):
        raise LayoutRefused(_l("The quiz changed meanwhile: look at its questions again."))
    _lay([by_id[slot_id] for slot_id in slot_ids], _pages([slot.page for slot in slots]))
    db.session.flush()


def move_slot(lesson: Lesson, slot_id: int, step: int) -> None:
    """Move a slot one place up (-1) or down (+1), across a page break if there is one."""
    ids = [slot.id for slot in slots_of(lesson.id)]
    if slot_id not in ids:
        return
    index = ids.index(slot_id)
    other = index + step
    if 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
        reorder(lesson, ids)


def toggle_page_break(lesson: Lesson, slot_id: int) -> None:
    """Start a new page after this slot, or join the next page to this one."""
    slots = slots_of(lesson.id)
    index = next((i for i, slot in enumerate(slots) if slot.id == slot_id), None)
    if index is None or index + 1 >= len(slots):
        return
    step = 1 if slots[index + 1].page == slots[index].page else -1
    for slot in slots[index + 1:]:
        slot.page += step
    _lay(slots, _pages([slot.page for slot in slots]))
    db.session.flush()


def repaginate(lesson_id: int, per_page: int) -> None:
    """Lay the pages out again: `per_page` questions a page (0: all on one page)."""
    slots = slots_of(lesson_id)
    _lay(slots, [index // per_page + 1 if per_page else 1 for index in range(len(slots))])
    db.session.flush()


def set_marks(lesson: Lesson, marks: dict[int, float]) -> None:
    """Give slots their marks (from 0 to 100, two decimals). Raises LayoutRefused naming the
    first slot whose mark is out of range; then nothing is changed."""
    slots = {slot.id: slot for slot in slots_of(lesson.id)}
    for slot_id, mark in marks.items():
        if slot_id in slots and not 0 <= mark <= MAX_MARK:
            raise LayoutRefused(_l("Give marks from 0 to 100."), f"mark-{slot_id}")
    for slot_id, mark in marks.items():
        if slot_id in slots:
            slots[slot_id].mark = round(mark, 2)
    db.session.flush()
