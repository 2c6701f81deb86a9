"""Reads of the question bank pages, each in a bounded number of queries."""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from markupsafe import Markup
from sqlalchemy import func, select

from academy.curricula import files
from academy.curricula.models import Course
from academy.extensions import db
from academy.i18n import content_language, sort_key
from academy.quizzes import moodle_files, slots
from academy.quizzes import queries as quiz_queries
from academy.quizzes.cloze import PLACEHOLDER
from academy.quizzes.gift_writer import GIFT_TYPES, can_carry, gift_file
from academy.quizzes.models import Question, QuizSlot
from academy.quizzes.moodle_xml_writer import moodle_xml_file
from academy.quizzes.stored import as_gift

EXCERPT_LENGTH = 120


def question_of(course_id: int, question_id: int) -> Question | None:
    """The question if it is of this course (None for another course's question)."""
    return db.session.scalar(select(Question).where(Question.id == question_id,
                                                    Question.course_id == course_id))


def questions_of(course_id: int, question_ids) -> list[Question]:
    return list(db.session.scalars(select(Question).where(
        Question.course_id == course_id, Question.id.in_(list(question_ids) or [0]))))


def question_ids_of(course_id: int) -> list[int]:
    return list(db.session.scalars(select(Question.id).where(Question.course_id == course_id)))


def categories_of(course_id: int) -> list[tuple[str, int]]:
    """The course's categories with their number of questions, in order of their path."""
    stmt = (select(Question.category, func.count()).where(Question.course_id == course_id)
            .group_by(Question.category).order_by(Question.category))
    return [(name, count) for name, count in db.session.execute(stmt)]


def idents_of(course_id: int) -> set[str]:
    return set(db.session.scalars(select(Question.ident).where(Question.course_id == course_id)))


def questions_by_ident(course_id: int, idents) -> dict[str, Question]:
    """The course's questions with these ids (their texts come in one more query)."""
    stmt = select(Question).where(Question.course_id == course_id,
                                  Question.ident.in_(list(idents) or [""]))
    return {question.ident: question for question in db.session.scalars(stmt)}


def next_position(course_id: int) -> int:
    """The position after the last question of the course's bank."""
    last = db.session.scalar(select(func.max(Question.position)).where(
        Question.course_id == course_id))
    return (last or 0) + 1


def words_in(question: Question, locale: str, default_locale: str) -> tuple[dict, str]:
    """(content, its locale): the question's words in `locale`, else the default's, else any."""
    locale = content_language(locale)
    by_locale = {text.locale: text.content for text in question.texts if text.content.get("text")}
    for code in (locale, default_locale, *sorted(by_locale)):
        if code in by_locale:
            return by_locale[code], code
    return {}, default_locale


def written_locales(question: Question) -> set[str]:
    return {text.locale for text in question.texts if text.content.get("text")}


def excerpt(content: dict, length: int = EXCERPT_LENGTH) -> str:
    """The start of a question's text as plain words."""
    text = content.get("text", "")
    if "gaps" in content:  # a cloze question: its gaps as blanks
        text = PLACEHOLDER.sub("_____", text)
    plain = " ".join(text.split()) if content.get("format") == "plain" else Markup(text).striptags()
    return plain if len(plain) <= length else plain[:length].rstrip() + "…"


# --- The bank's list ---------------------------------------------------------------------------

@dataclass
class BankEntry:
    question: Question
    excerpt: str
    excerpt_locale: str
    written: set[str]
    answered: int
    quiz_ids: list[int] = field(default_factory=list)  # the quizzes that hold it


@dataclass
class Bank:
    groups: list[tuple[str, list[BankEntry]]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(len(entries) for _, entries in self.groups)


def _filtered(course_id: int, category: str | None, quiz: int | str | None, qtype: str | None):
    stmt = select(Question).where(Question.course_id == course_id)
    if category is not None:
        stmt = stmt.where(Question.category == category)
    placed = select(QuizSlot.id).where(QuizSlot.question_id == Question.id)
    if quiz == "bank":
        stmt = stmt.where(~placed.exists())
    elif quiz is not None:
        stmt = stmt.where(placed.where(QuizSlot.lesson_id == quiz).exists())
    if qtype is not None:
        stmt = stmt.where(Question.qtype == qtype)
    return stmt.order_by(Question.category, Question.position, Question.id)


def bank_of(course: Course, locale: str, category: str | None = None,
            quiz: int | str | None = None, qtype: str | None = None) -> Bank:
    """The course's questions grouped by category (three queries, whatever their number).

    `quiz` is a quiz lesson's id, or "bank" for the questions placed in no quiz.
    """
    questions = list(db.session.scalars(_filtered(course.id, category, quiz, qtype)))
    ids = [question.id for question in questions]
    answered = quiz_queries.answered_counts(ids)
    placed = slots.quiz_ids_of_questions(ids)
    entries = []
    for question in questions:
        content, shown = words_in(question, locale, course.default_locale)
        entries.append(BankEntry(question, excerpt(content), shown, written_locales(question),
                                 answered.get(question.id, 0), placed.get(question.id, [])))
    groups = itertools.groupby(entries, key=lambda entry: entry.question.category)
    return Bank([(name, list(members)) for name, members in groups])


# --- Export ------------------------------------------------------------------------------------

def gift_export(course: Course, locale: str, category: str | None = None,
                quiz: int | None = None) -> tuple[str, int, int]:
    """(GIFT text, number of questions written, number left out because GIFT cannot carry
    their type) of the bank, a category or a quiz, in one language.

    Questions not written in that language are left out, so the file can be imported back as
    that language's words. `$CATEGORY:` lines keep the categories.
    """
    written = _written(course, locale, category, quiz)
    kept = [(question, content) for question, content in written if can_carry(question.qtype)]
    return gift_file(kept), len(kept), len(written) - len(kept)


def not_in_gift_count(course_id: int) -> int:
    """How many of the course's questions are of a type GIFT cannot carry."""
    return db.session.scalar(select(func.count()).select_from(Question).where(
        Question.course_id == course_id, Question.qtype.not_in(GIFT_TYPES))) or 0


def moodle_xml_export(course: Course, locale: str, category: str | None = None,
                      quiz: int | None = None) -> tuple[bytes, int]:
    """(Moodle XML document, number of questions), chosen as for `gift_export`; category
    pseudo-questions keep the categories."""
    written = _written(course, locale, category, quiz)
    questions = [as_gift(question, content) for question, content in written]
    return moodle_xml_file(questions, _linked_files(course, questions)), len(written)


def _linked_files(course: Course, questions) -> dict[str, bytes]:
    """The course files the questions' texts link to, read from storage (to embed them)."""
    texts = [text for q in questions for text in
             (q.text, q.general_feedback, q.feedback_true, q.feedback_false,
              *(a.text for a in q.answers), *(a.feedback for a in q.answers),
              *(t for g in q.gaps for a in g.answers for t in (a.text, a.feedback)))]
    wanted = moodle_files.linked_names(texts)
    found = {}
    for row in course.files if wanted else ():
        path = files.stored_path(row.sha256) if row.name in wanted else None
        if path is not None and path.exists():
            found[row.name] = path.read_bytes()
    return found


def _written(course: Course, locale: str, category: str | None,
             quiz: int | None) -> list[tuple[Question, dict]]:
    """(question, its words in `locale`) of the bank, a category or a quiz, for an export."""
    if quiz is not None:  # the quiz's own questions, in its order
        questions = [slot.question for slot in slots.slots_of(quiz)
                     if slot.question is not None and category in (None, slot.question.category)]
    else:
        questions = db.session.scalars(_filtered(course.id, category, None, None))
    written = []
    for question in questions:
        content = next((text.content for text in question.texts
                        if text.locale == locale and text.content.get("text")), None)
        if content is not None:
            written.append((question, content))
    return written


# --- Picking questions for a quiz --------------------------------------------------------------

PICK_LIMIT = 50


@dataclass
class PickList:
    entries: list[BankEntry]
    total: int  # how many match, beyond the entries shown


def pick_list(course: Course, lesson_id: int, locale: str, search: str = "",
              category: str | None = None, qtype: str | None = None) -> PickList:
    """The bank's questions that the quiz does not hold yet, matching the search (in the
    question's id and its words in `locale`) and filters; the first PICK_LIMIT of them."""
    held = select(QuizSlot.id).where(QuizSlot.question_id == Question.id,
                                     QuizSlot.lesson_id == lesson_id)
    stmt = _filtered(course.id, category, None, qtype).where(~held.exists())
    wanted = sort_key(search.strip())
    entries = []
    for question in db.session.scalars(stmt):
        content, shown = words_in(question, locale, course.default_locale)
        text = excerpt(content, 10_000)
        if wanted and wanted not in sort_key(f"{question.ident} {question.category} {text}"):
            continue
        entries.append(BankEntry(question, excerpt(content), shown, written_locales(question), 0))
    return PickList(entries[:PICK_LIMIT], len(entries))
