"""Reading a file of questions (GIFT or Moodle XML) for the bank's import: every question
checked against the course, every problem found with its line, and what importing would do
(new questions, translations of stored ones, embedded files, skipped types). Writes nothing;
`operations.import_questions` imports a valid plan."""
from __future__ import annotations

from dataclasses import dataclass, field

from academy.curricula.models import Course
from academy.i18n import lazy_gettext as _l
from academy.importing import FileProblem, ImportPreview
from academy.quizzes import moodle_files, stored
from academy.quizzes.bank import queries
from academy.quizzes.gift import GiftError, GiftQuestion, name_from_text, parse_gift, unique_name
from academy.quizzes.models import Question
from academy.quizzes.moodle_xml import read_moodle_xml

IDENT_MAX, CATEGORY_MAX = 100, 200


@dataclass
class PlannedQuestion:
    question: GiftQuestion
    existing: Question | None = None  # set when the file translates this stored question
    is_generated_ident: bool = False
    problems: list = field(default_factory=list)
    # Moodle settings Campus does not keep, and what happens
    notes: list = field(default_factory=list)
    mark: float = 1.0  # its mark in the quiz the import places it in (Moodle's defaultgrade)

    @property
    def line(self) -> int:
        """The line of the file where the question starts."""
        return self.question.line

    @property
    def excerpt(self) -> str:
        """The start of its text as plain words (HTML tags out), for the preview."""
        return queries.excerpt({"text": self.question.text, "format": self.question.text_format})


@dataclass
class ImportPlan(ImportPreview):
    """The preview of a file of questions (`rows` are PlannedQuestions), with what else the
    import would do."""

    skipped: dict[str, int] = field(default_factory=dict)  # a type Campus lacks -> how many
    files: dict[str, bytes] = field(default_factory=dict)  # embedded images the course will gain

    @property
    def translations(self) -> int:
        return sum(1 for row in self.rows if row.existing is not None)


def read_question_file(data: bytes, file_format: str) -> list[GiftQuestion]:
    """The questions of a GIFT file. Raises GiftError."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise GiftError(data.count(b"\n", 0, error.start) + 1, _l(
            "The file is not UTF-8 text. Save it as UTF-8 and try again.")) from None
    return parse_gift(text)


def plan_import(course: Course, data: bytes, file_format: str, locale: str,
                default_category: str) -> ImportPlan:
    """What importing the file would do, with every problem found (nothing is changed)."""
    if file_format == "xml":
        found = read_moodle_xml(data)
        questions, notes, marks = found.questions, found.notes, found.marks
        if found.problems:
            return ImportPlan(file_problems=[FileProblem(*each) for each in found.problems])
        skipped = {qtype: len(lines) for qtype, lines in found.skipped.items()}
        files = _placed_files(course, questions, found.files)
    else:
        try:
            questions = read_question_file(data, file_format)
        except GiftError as error:
            return ImportPlan(file_problems=[FileProblem(each.line, each.reason)
                                             for each in error.errors])
        notes, marks, skipped, files = [[] for _ in questions], [1.0] * len(questions), {}, {}
    if not questions:
        return ImportPlan(file_problems=[FileProblem(None, _l("The file holds no questions."))],
                          skipped=skipped)
    stored = queries.questions_by_ident(course.id, [q.ident for q in questions if q.ident])
    in_course = queries.idents_of(course.id)
    taken = in_course | {q.ident for q in questions if q.ident}
    plan, seen = ImportPlan(skipped=skipped, files=files), set()
    for question, said, mark in zip(questions, notes, marks, strict=False):
        question.category = question.category or default_category
        row = PlannedQuestion(question, notes=said, mark=mark)
        if not question.ident or question.is_named_from_text:  # named from its words
            row.is_generated_ident = True
            if not question.ident or question.ident in in_course:
                question.ident = unique_name(question.ident or name_from_text(question.text), taken)
        elif question.ident in seen:
            row.problems.append(_l("Another question of the file has this id."))
        seen.add(question.ident)
        _plan_one(row, stored.get(question.ident) if not row.is_generated_ident else None,
                  locale, course.default_locale)
        plan.rows.append(row)
    return plan


def _placed_files(course: Course, questions: list[GiftQuestion],
                  incoming: dict[str, bytes]) -> dict[str, bytes]:
    """The embedded files to add to the course; one named like a different file of the course
    gets a new name, and the questions' links follow."""
    added, renamed = moodle_files.placed(incoming, {f.name: f.sha256 for f in course.files})
    if renamed:
        for question in questions:
            moodle_files.relink(question, lambda text: moodle_files.rename_links(text, renamed))
    return added


def _plan_one(row: PlannedQuestion, found: Question | None, locale: str,
              default_locale: str) -> None:
    question = row.question
    if len(question.ident) > IDENT_MAX:
        row.problems.append(_l("The question id is longer than %(max)d characters.", max=IDENT_MAX))
    if len(question.category) > CATEGORY_MAX:
        row.problems.append(_l("The category is longer than %(max)d characters.", max=CATEGORY_MAX))
    if found is None:
        return
    if locale != default_locale and same_structure(found, question):
        row.existing = found
    elif locale != default_locale:
        row.problems.append(_l("A question with this id already exists, with other answers or "
                               "grades: a translation must keep the same structure."))
    else:
        row.problems.append(_l("A question with this id already exists in the course."))


def same_structure(row: Question, question: GiftQuestion) -> bool:
    """Whether a question read from a file is a translation of a stored one (type, rows,
    weights, numbers and right answer all equal)."""
    kept = stored.as_gift(row, {})
    return kept.structure() == question.structure() and \
        len(kept.answers) == len(question.answers)

