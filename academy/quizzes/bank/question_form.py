"""The question editor's form: the fields every editor starts with (id, category, quiz), the
words, and the rows of answers with the checks of each question type."""
from __future__ import annotations

import copy

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length

from academy.forms import REQUIRED, choices
from academy.i18n import lazy_gettext as _l
from academy.quizzes.gift import Answer, GiftQuestion
from academy.quizzes.grading import parse_number
from academy.quizzes.labels import QTYPE_LABELS

QTYPES = tuple(QTYPE_LABELS)
WITH_ROWS = ("single", "multiple", "shortanswer", "numerical", "matching")
WITH_GRADES = ("single", "multiple", "shortanswer", "numerical")
NEW_ROWS, EXTRA_ROWS, MAX_ROWS = 4, 3, 100
FORMAT_LABELS = {"moodle": _l("Moodle auto-format (line breaks kept)"), "html": _l("HTML"),
                 "markdown": _l("Markdown"), "plain": _l("Plain text")}
TOO_LONG = _l("Use at most %(max)d characters.")


def clean_category(text: str | None) -> str:
    """A category path as typed ("  mandela / foundations/") -> "mandela/foundations"."""
    return "/".join(part.strip() for part in (text or "").split("/") if part.strip())


def number_text(value: float | None) -> str:
    """A stored number as the editor shows it, without float noise or exponents (1e6 -> 1000000)."""
    return "" if value is None else format(value, ".15g")


def percent_text(fraction: float) -> str:
    """A stored fraction as the percentage the editor shows (0.3333333 -> "33.33333")."""
    return number_text(round(float(fraction) * 100, 5))



def category_choices(categories) -> list:
    return choices([("", _l("No category")), *((name, name) for name in categories)])


class AnswerRowForm(Form):
    """One row of answers; which of its fields count depends on the question's type."""

    qtype, is_structure = "single", True  # set by the question form before validating
    origin = HiddenField()  # the stored index of this row; empty for a new row
    text = StringField(_l("Answer"), validators=[Length(max=2000, message=TOO_LONG)])
    percent = StringField(_l("Grade"), render_kw={"inputmode": "decimal", "size": 7})
    feedback = StringField(_l("Feedback"), validators=[Length(max=2000, message=TOO_LONG)])
    value = StringField(_l("Value"), render_kw={"inputmode": "decimal", "size": 8})
    tolerance = StringField(_l("Tolerance (±)"), render_kw={"inputmode": "decimal", "size": 6})
    minimum = StringField(_l("Minimum"), render_kw={"inputmode": "decimal", "size": 8})
    maximum = StringField(_l("Maximum"), render_kw={"inputmode": "decimal", "size": 8})
    match = StringField(_l("Match"), validators=[Length(max=2000, message=TOO_LONG)])

    def is_empty(self) -> bool:
        """Nothing typed but a grade: an extra row left blank, or a row emptied to drop it."""
        return not any((f.data or "").strip() for f in (
            self.text, self.feedback, self.value, self.tolerance, self.minimum, self.maximum,
            self.match))

    def number(self, field) -> float | None:
        return parse_number((field.data or "").strip().rstrip("%").strip())

    def origin_index(self) -> int | None:
        origin = (self.origin.data or "").strip()
        return int(origin) if origin.isdigit() else None

    def validate(self, extra_validators=None) -> bool:
        """The checks of the row's type (`qtype` and `is_structure` are set by QuestionForm)."""
        valid = super().validate(extra_validators)
        if self.is_structure and self.is_empty():
            return valid  # an empty row is dropped, whatever its grade says
        return check_row(self, self.qtype, self.is_structure) and valid


def _fail(field, message) -> bool:
    field.errors = [*field.errors, message]
    return False


def _check_number(row: AnswerRowForm, field, required: bool = False) -> bool:
    text = (field.data or "").strip()
    if not text:
        return _fail(field, REQUIRED) if required else True
    return row.number(field) is not None or _fail(
        field, _l("“%(text)s” is not a number.", text=text))


def _check_grade(row: AnswerRowForm) -> bool:
    if not _check_number(row, row.percent, required=True):
        return False
    return -100 <= row.number(row.percent) <= 100 or _fail(
        row.percent, _l("Give a grade from -100 to 100."))


def _check_numerical(row: AnswerRowForm) -> bool:
    ok = all([_check_number(row, row.value), _check_number(row, row.tolerance),
              _check_number(row, row.minimum), _check_number(row, row.maximum)])
    if not ok:
        return False
    has_value, low, high = bool((row.value.data or "").strip()), row.number(row.minimum), \
        row.number(row.maximum)
    has_range = low is not None or high is not None
    if has_value == has_range or (not has_value and None in (low, high)):
        return _fail(row.value, _l("Give a value (and a tolerance), or a minimum and a maximum."))
    if not has_value and low > high:
        return _fail(row.maximum, _l("The maximum must not be smaller than the minimum."))
    return True


def check_row(row: AnswerRowForm, qtype: str, structure: bool) -> bool:
    """Whether a kept row is right for its type; puts messages next to its fields."""
    ok = True
    needs_text = qtype in ("single", "multiple", "shortanswer", "matching")
    if needs_text and not (row.text.data or "").strip():
        ok = _fail(row.text, REQUIRED)
    if qtype == "matching" and not (row.match.data or "").strip():
        ok = _fail(row.match, REQUIRED)
    if structure and qtype in WITH_GRADES:
        ok = _check_grade(row) and ok
    if structure and qtype == "numerical":
        ok = _check_numerical(row) and ok
    return ok


class QuestionPlaceFields(FlaskForm):
    """What every question editor asks first, whatever its type: its id, category and the quiz
    a new question goes into."""

    ident = StringField(_l("Question id"), validators=[
        DataRequired(REQUIRED), Length(max=100, message=TOO_LONG)],
        description=_l("Unique in the course; it ties the languages together, e.g. searches-q1."),
        render_kw={"autocapitalize": "none", "spellcheck": "false"})
    category = SelectField(_l("Category"), default="")
    new_category = StringField(_l("Or a new category"),
                               validators=[Length(max=200, message=TOO_LONG)],
                               description=_l("Levels separated by /, e.g. mandela/foundations"))
    placement = SelectField(_l("Quiz"), default="")


class QuestionForm(QuestionPlaceFields):
    """A question in one language. In the course's default language the structure (rows,
    grades, numbers, right answer) is edited too; in the others only the words."""

    text = TextAreaField(_l("Question text"), render_kw={"rows": 5},
                         validators=[DataRequired(REQUIRED), Length(max=20000, message=TOO_LONG)])
    text_format = SelectField(_l("Text format"), choices=choices(FORMAT_LABELS.items()))
    correct = SelectField(_l("Right answer"), choices=choices([("true", _l("True")),
                                                               ("false", _l("False"))]))
    feedback_true = TextAreaField(_l("Feedback for an answer of “true”"), render_kw={"rows": 2},
                                  validators=[Length(max=5000, message=TOO_LONG)])
    feedback_false = TextAreaField(_l("Feedback for an answer of “false”"), render_kw={"rows": 2},
                                   validators=[Length(max=5000, message=TOO_LONG)])
    case_sensitive = BooleanField(_l("Upper and lower case must match"))
    answers = FieldList(FormField(AnswerRowForm), min_entries=0, max_entries=MAX_ROWS)
    general_feedback = TextAreaField(
        _l("General feedback"), render_kw={"rows": 3},
        validators=[Length(max=5000, message=TOO_LONG)],
        description=_l("Shown to everyone once they have answered, whatever the answer."))
    grader_info = TextAreaField(
        _l("Information for graders"), render_kw={"rows": 3},
        validators=[Length(max=5000, message=TOO_LONG)],
        description=_l("Shown only to whoever grades the answers: what a good answer holds."))

    def __init__(self, *args, qtype: str, stored: GiftQuestion | None = None,
                 categories=(), quizzes=(), is_new: bool = False, **kwargs) -> None:
        """`stored` is given when only the words may change (a language other than the default).
        A new question may be placed in a quiz at once; later, the quiz's page places it."""
        super().__init__(*args, **kwargs)
        self.qtype, self.stored, self.is_new = qtype, stored, is_new
        self.is_structure = stored is None
        self.category.choices = category_choices(categories)
        self.placement.choices = choices([("", _l("Bank only (in no quiz)")),
                                          *((str(id_), title) for id_, title in quizzes)])
        self._drop_fields()
        if stored is not None and self.is_submitted() and "answers" in self:
            self._fit_rows(len(stored.answers))

    def _drop_fields(self) -> None:
        unused = set()
        if self.qtype != "truefalse":
            unused |= {"correct", "feedback_true", "feedback_false"}
        if self.qtype != "shortanswer":
            unused.add("case_sensitive")
        if self.qtype != "essay":
            unused.add("grader_info")
        if self.qtype not in WITH_ROWS:
            unused.add("answers")
        if not self.is_structure:
            unused |= {"ident", "category", "new_category", "placement", "correct",
                       "case_sensitive"}
        if not self.is_new:
            unused.add("placement")
        for name in unused & set(self._fields):
            delattr(self, name)

    def _fit_rows(self, count: int) -> None:
        """A translation keeps the stored rows, whatever the browser sent."""
        while len(self.answers) > count:
            self.answers.pop_entry()
        while len(self.answers) < count:
            self.answers.append_entry()

    def kept_rows(self) -> list[AnswerRowForm]:
        """The rows that make the question: every row but the empty ones (all in a translation)."""
        if "answers" not in self:
            return []
        rows = [entry.form for entry in self.answers]
        return rows if not self.is_structure else [row for row in rows if not row.is_empty()]

    def validate(self, extra_validators=None) -> bool:
        if "answers" in self:
            for entry in self.answers:
                entry.form.qtype, entry.form.is_structure = self.qtype, self.is_structure
        return super().validate(extra_validators)

    # --- From stored values to the form ---------------------------------------------------------

    def fill(self, question: GiftQuestion, lesson_id: int | None = None) -> None:
        """Show a stored question (or a new, empty one) in the form."""
        self.text.data, self.text_format.data = question.text, question.text_format
        self.general_feedback.data = question.general_feedback
        if "grader_info" in self:
            self.grader_info.data = question.grader_info
        if self.qtype == "truefalse":
            self.feedback_true.data = question.feedback_true
            self.feedback_false.data = question.feedback_false
        if self.is_structure:
            self._fill_structure(question, lesson_id)
        if "answers" in self:
            for index, answer in enumerate(question.answers):
                self.answers.append_entry(self._row_data(answer, index))
            extra = (EXTRA_ROWS if question.answers else NEW_ROWS) if self.is_structure else 0
            for _ in range(extra):
                self.answers.append_entry({"percent": "100" if self.qtype in (
                    "shortanswer", "numerical") else "0"})

    def _fill_structure(self, question: GiftQuestion, lesson_id: int | None) -> None:
        self.ident.data, self.category.data = question.ident, question.category
        if question.category not in {choice.value for choice in self.category.choices}:
            self.category.data, self.new_category.data = "", question.category
        if "placement" in self:
            self.placement.data = str(lesson_id) if lesson_id else ""
        if self.qtype == "truefalse":
            self.correct.data = "true" if question.correct else "false"
        if self.qtype == "shortanswer":
            self.case_sensitive.data = question.case_sensitive

    def _row_data(self, answer: Answer, index: int) -> dict:
        return {"origin": str(index), "text": answer.text, "feedback": answer.feedback,
                "match": answer.match, "percent": percent_text(answer.fraction),
                "value": number_text(answer.value), "minimum": number_text(answer.minimum),
                "maximum": number_text(answer.maximum),
                "tolerance": number_text(answer.tolerance) if answer.tolerance else ""}

    # --- From the form to a question ------------------------------------------------------------

    def category_value(self) -> str:
        return clean_category(self.new_category.data or self.category.data)

    def placement_id(self) -> int | None:
        return int(self.placement.data) if (self.placement.data or "").isdigit() else None

    def origins(self) -> list[int | None]:
        """For each kept row, the stored row it was (None for a new row)."""
        return [row.origin_index() for row in self.kept_rows()]

    def to_question(self) -> GiftQuestion:
        """The question as typed: words, and structure in the default language."""
        if not self.is_structure:
            return self._to_translation()
        question = GiftQuestion(0, (self.ident.data or "").strip(), self.category_value(),
                                self.qtype, "", self.text_format.data)
        self._put_words(question)
        if self.qtype == "truefalse":
            question.correct = self.correct.data == "true"
        question.case_sensitive = self.qtype == "shortanswer" and bool(self.case_sensitive.data)
        question.answers = [self._answer(row) for row in self.kept_rows()]
        return question

    def _to_translation(self) -> GiftQuestion:
        question = copy.deepcopy(self.stored)
        self._put_words(question)
        for answer, row in zip(question.answers, self.kept_rows(), strict=False):
            answer.feedback = (row.feedback.data or "").strip()
            if self.qtype != "numerical":
                answer.text = (row.text.data or "").strip()
            if self.qtype == "matching":
                answer.match, answer.feedback = (row.match.data or "").strip(), ""
        return question

    def _put_words(self, question: GiftQuestion) -> None:
        question.text = (self.text.data or "").strip()
        question.text_format = self.text_format.data
        question.general_feedback = (self.general_feedback.data or "").strip()
        if "grader_info" in self:
            question.grader_info = (self.grader_info.data or "").strip()
        if self.qtype == "truefalse":
            question.feedback_true = (self.feedback_true.data or "").strip()
            question.feedback_false = (self.feedback_false.data or "").strip()

    def _answer(self, row: AnswerRowForm) -> Answer:
        """A row as the GIFT reader would give it (matching pairs are worth 1, as there)."""
        if self.qtype == "matching":
            return Answer(text=(row.text.data or "").strip(), match=(row.match.data or "").strip(),
                          fraction=1.0)
        answer = Answer(text=(row.text.data or "").strip() if self.qtype != "numerical" else "",
                        fraction=row.number(row.percent) / 100,
                        feedback=(row.feedback.data or "").strip())
        if self.qtype == "numerical":
            if (row.value.data or "").strip():
                answer.value = row.number(row.value)
                answer.tolerance = abs(row.number(row.tolerance) or 0.0)
            else:
                answer.minimum, answer.maximum = row.number(row.minimum), row.number(row.maximum)
        return answer
