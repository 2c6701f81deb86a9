"""Every change to a course's question bank. Never commits.

A question already used in an attempt is versioned, not edited in place: attempts point at frozen
`QuestionVersion` snapshots keyed by (question, version), so a change to the structure or the
words of a used version starts the next version, and past attempts keep what their trainees saw.
"""
from __future__ import annotations

import copy

from academy.audit import operations as audit
from academy.curricula.models import Course, Lesson
from academy.curricula.operations import add_course_file
from academy.domain_errors import DomainError
from academy.extensions import db
from academy.i18n import lazy_gettext as _l
from academy.quizzes import gapselect, slots
from academy.quizzes import queries as quiz_queries
from academy.quizzes.bank import queries
from academy.quizzes.bank.importing import IDENT_MAX, ImportPlan, plan_import
from academy.quizzes.gift import GiftQuestion
from academy.quizzes.models import Question, QuestionText
from academy.quizzes.stored import question_content, question_spec


class QuestionRejected(DomainError):
    """A question that breaks a rule of its type, or an id already taken; `field` says where."""


class ImportRejected(DomainError):
    """A file with problems: nothing was imported. `plan` holds what was found."""

    def __init__(self, plan: ImportPlan) -> None:
        super().__init__(_l("The file has problems; nothing was imported."))
        self.plan = plan


# --- Rules -------------------------------------------------------------------------------------

def check_question(question: GiftQuestion) -> None:
    """The rules the GIFT reader applies, for a question typed in the editor.

    Raises QuestionRejected (on the field "answers" for the rows' rules).
    """
    answers, qtype = question.answers, question.qtype
    if qtype == gapselect.QTYPE:
        for field_name, message in gapselect.problems(question)[:1]:
            raise QuestionRejected(message, field_name)
        return
    fractions = [a.fraction for a in answers]
    if any(not -1 <= f <= 1 for f in fractions):
        raise QuestionRejected(_l("Give grades from -100% to 100%."), "answers")
    if qtype in ("single", "multiple") and len(answers) < 2:
        raise QuestionRejected(_l("A choice question needs at least two answers."), "answers")
    if qtype == "single" and 1.0 not in fractions:
        raise QuestionRejected(_l("A single-choice question needs one answer worth 100%."),
                               "answers")
    if qtype == "multiple" and abs(sum(f for f in fractions if f > 0) - 1) > 0.01:
        raise QuestionRejected(_l(
            "The positive weights of a multiple-choice question must add up to 100%."), "answers")
    if qtype in ("shortanswer", "numerical") and max(fractions, default=0) < 1:
        raise QuestionRejected(_l("One of the answers must be worth 100%."), "answers")
    if qtype == "matching" and len(answers) < 2:
        raise QuestionRejected(_l("A matching question needs at least two pairs."), "answers")


def _check_ident(course_id: int, ident: str, question_id: int | None = None) -> None:
    taken = queries.questions_by_ident(course_id, [ident]).get(ident)
    if taken is not None and taken.id != question_id:
        raise QuestionRejected(_l("A question with this id already exists in the course."),
                               "ident")


# --- Creating and editing ----------------------------------------------------------------------

def create_question(course: Course, question: GiftQuestion, lesson: Lesson | None) -> Question:
    """A new question, written in the course's default language, placed last in `lesson` when
    one is given. Raises QuestionRejected (or LayoutRefused for a full quiz) before writing."""
    _check_ident(course.id, question.ident)
    check_question(question)
    if lesson is not None:
        slots.check_room(lesson, 1)
    row = Question(course_id=course.id, ident=question.ident,
                   category=question.category, qtype=question.qtype,
                   position=queries.next_position(course.id),
                   spec=question_spec(question),
                   texts=[QuestionText(locale=course.default_locale,
                                       content=question_content(question))])
    db.session.add(row)
    db.session.flush()
    if lesson is not None:
        slots.add_questions(lesson, [row])
    return row


def update_question(row: Question, question: GiftQuestion,
                    origins: list[int | None], default_locale: str) -> bool:
    """Save an edit made in the default language: id, category, structure and words.

    `origins` gives, for each row of answers, the stored row it was (None: a new row), so every
    other language keeps its words for the rows kept and drops those of the rows dropped.
    Returns True when a used version was frozen and the next one started. Raises QuestionRejected.
    """
    _check_ident(row.course_id, question.ident, row.id)
    check_question(question)
    row.ident, row.category = question.ident, question.category
    words = question_content(question)
    contents = {default_locale: words}
    for text in row.texts:
        if text.locale != default_locale:
            contents[text.locale] = _realigned(text.content, words, origins)
    return _change(row, question_spec(question), contents)


def update_words(row: Question, locale: str, question: GiftQuestion) -> bool:
    """Save a question's words in one language; the structure stays as it is.

    Returns True when a used version was frozen and the next one started. Raises
    QuestionRejected when a select-missing-words text has other places than the others.
    """
    if row.qtype == gapselect.QTYPE:
        _check_places(row, locale, question.text)
    return _change(row, row.spec, {locale: question_content(question)})


def _check_places(row: Question, locale: str, text: str) -> None:
    other = next((t.content.get("text", "") for t in row.texts
                  if t.locale != locale and t.content.get("text")), None)
    problem = gapselect.translation_problem(other, text) if other is not None else None
    if problem:
        raise QuestionRejected(problem, "text")


def _realigned(content: dict, default_words: dict, origins: list[int | None]) -> dict:
    """Another language's words, following the default language's rows (new rows borrow the
    default language's words until someone translates them)."""
    if "answers" not in default_words:
        return content
    old = content.get("answers", [])
    answers = [copy.deepcopy(old[origin]) if origin is not None and origin < len(old)
               else default_words["answers"][index] for index, origin in enumerate(origins)]
    return {**content, "answers": answers}


def create_cloze(course: Course, question: GiftQuestion, translations: dict[str, GiftQuestion],
                 lesson: Lesson | None) -> Question:
    """A new Cloze question with its words in the default language and in `translations`."""
    row = create_question(course, question, lesson)
    for locale, words in translations.items():
        _set_words(row, locale, question_content(words))
    db.session.flush()
    return row


def update_cloze(row: Question, question: GiftQuestion, translations: dict[str, GiftQuestion],
                 default_locale: str) -> bool:
    """Save a Cloze question edited in every language at once (its gaps are in its texts, so
    they change together). Returns True when a used version was frozen. Raises QuestionRejected."""
    _check_ident(row.course_id, question.ident, row.id)
    row.ident, row.category = question.ident, question.category
    contents = {default_locale: question_content(question)}
    contents.update({locale: question_content(words) for locale, words in translations.items()})
    return _change(row, question_spec(question), contents)


def replace_question(row: Question, category: str, spec: dict,
                     contents: dict[str, dict]) -> bool:
    """Give a question another category, structure and words (a new version if the current
    one was used). Returns True when a used version was frozen and the next one started."""
    row.category = category
    return _change(row, spec, contents)


def _change(row: Question, spec: dict, contents: dict[str, dict]) -> bool:
    """Set structure and words; a version used in an attempt is frozen first. True if so."""
    current = {text.locale: text.content for text in row.texts}
    if spec == row.spec and all(current.get(locale) == content
                                for locale, content in contents.items()):
        db.session.flush()
        return False
    versioned = quiz_queries.version_of(row.id, row.version) is not None
    if versioned:
        row.version += 1
    row.spec = spec
    for locale, content in contents.items():
        _set_words(row, locale, content)
    db.session.flush()
    return versioned


def _set_words(row: Question, locale: str, content: dict) -> None:
    text = next((text for text in row.texts if text.locale == locale), None)
    if text is None:
        row.texts.append(QuestionText(locale=locale, content=content))
    else:
        text.content = content  # a new dict: the JSON column sees the change


# --- Duplicating, moving, deleting -------------------------------------------------------------

def duplicate_question(row: Question) -> Question:
    """A copy in the same category, last in the bank and in no quiz, with an id ending in
    -copy, -copy-2…"""
    copy_row = Question(
        course_id=row.course_id, ident=_copy_ident(row),
        category=row.category, qtype=row.qtype, spec=copy.deepcopy(row.spec),
        position=queries.next_position(row.course_id),
        texts=[QuestionText(locale=text.locale, content=copy.deepcopy(text.content))
               for text in row.texts])
    db.session.add(copy_row)
    db.session.flush()
    return copy_row


def _copy_ident(row: Question) -> str:
    taken = queries.idents_of(row.course_id)
    for number in range(1, len(taken) + 2):
        suffix = "-copy" if number == 1 else f"-copy-{number}"
        ident = row.ident[:IDENT_MAX - len(suffix)] + suffix
        if ident not in taken:
            return ident
    raise AssertionError("unreachable: more candidates than taken ids")


def move_questions(rows: list[Question], category: str) -> int:
    """Put questions in a category (a new one is simply a new path). Returns how many."""
    for row in rows:
        row.category = category
    db.session.flush()
    return len(rows)


def delete_question(row: Question) -> None:
    """Delete a question, even one used in attempts: they keep their frozen versions (the
    database sets their link to the question to NULL). The quizzes that held it close up."""
    slots.forget_question(row.id)
    db.session.delete(row)
    db.session.flush()


# --- Import ------------------------------------------------------------------------------------

def import_questions(course: Course, data: bytes, file_format: str, locale: str,
                     default_category: str, lesson: Lesson | None, *,
                     actor_id: int | None = None) -> ImportPlan:
    """Import every question of the file, or none (audited). New questions go last in the bank,
    and in `lesson` when one is given; a translation sets one language's words of a stored
    question. Raises ImportRejected (or LayoutRefused for a full quiz) before writing."""
    plan = plan_import(course, data, file_format, locale, default_category)
    if not plan.is_valid:
        raise ImportRejected(plan)
    new_rows = [row for row in plan.rows if row.existing is None]
    if lesson is not None:
        slots.check_room(lesson, len(new_rows))
    lesson_id = lesson.id if lesson else None
    position = queries.next_position(course.id)
    added = []
    for row in plan.rows:
        question = row.question
        if row.existing is not None:
            update_words(row.existing, locale, question)
            continue
        added.append(Question(
            course_id=course.id, ident=question.ident,
            category=question.category, position=position, qtype=question.qtype,
            spec=question_spec(question),
            texts=[QuestionText(locale=locale, content=question_content(question))]))
        db.session.add(added[-1])
        position += 1
    for name, content in plan.files.items():
        add_course_file(course, name, content)
    db.session.flush()
    if lesson is not None:
        slots.add_questions(lesson, added)
        _set_marks(lesson, {question.id: row.mark for question, row in
                            zip(added, [row for row in plan.rows if row.existing is None],
                                strict=False)
                            if question.qtype != "description"})  # information earns nothing
    audit.record("question_bank.import", actor_id=actor_id, target_type="course",
                 target_id=course.id, academy_id=course.academy_id, details={
                     "questions": len(plan.rows), "translations": plan.translations,
                     "format": file_format, "locale": locale, "lesson_id": lesson_id,
                     "files": sorted(plan.files)})
    return plan


def _set_marks(lesson: Lesson, marks: dict[int, float]) -> None:
    """The imported questions' marks in the quiz (Moodle's defaultgrade; 1 from GIFT)."""
    for slot in slots.slots_of(lesson.id):
        if slot.question_id in marks and marks[slot.question_id] != slot.mark:
            slot.mark = marks[slot.question_id]
    db.session.flush()
