"""The editor of a select-missing-words question (gapselect): the text with its places [[n]],
the choices (words per language, a group shared by every language), shuffling and feedback.

It is the bank's QuestionForm with choice rows in place of answer rows, so the bank's views
create, edit and translate it as any other question.
"""
from __future__ import annotations

import copy

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
from academy.quizzes import gapselect
from academy.quizzes.bank.question_form import (
    EXTRA_ROWS,
    MAX_ROWS,
    NEW_ROWS,
    TOO_LONG,
    QuestionForm,
)
from academy.quizzes.gift import Answer, GiftQuestion

GROUPS = choices([(str(g), str(g)) for g in range(1, gapselect.MAX_GROUPS + 1)])


class ChoiceRowForm(Form):
    """One choice: its words in the language edited, and its group (set in the default language)."""

    qtype, is_structure = gapselect.QTYPE, True  # set by the question form before validating
    origin = HiddenField()  # the stored index of this row; empty for a new row
    text = StringField(_l("Choice"), validators=[Length(max=2000, message=TOO_LONG)])
    group = SelectField(_l("Group"), choices=GROUPS, default="1", validate_choice=False)

    def is_empty(self) -> bool:
        return not (self.text.data or "").strip()

    def origin_index(self) -> int | None:
        origin = (self.origin.data or "").strip()
        return int(origin) if origin.isdigit() else None

    def group_number(self) -> int:
        return int(self.group.data) if (self.group.data or "").isdigit() else 0

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.is_structure and not self.is_empty() and \
                not 1 <= self.group_number() <= gapselect.MAX_GROUPS:
            self.group.errors = [*self.group.errors, _l("Give a group from 1 to %(max)d.",
                                                        max=gapselect.MAX_GROUPS)]
            return False
        return valid


class GapselectForm(QuestionForm):
    """A select-missing-words question in one language (its structure in the default one)."""

    text = TextAreaField(
        _l("Question text"), render_kw={"rows": 6},
        validators=[DataRequired(REQUIRED), Length(max=20000, message=TOO_LONG)],
        description=_l("Write [[1]], [[2]]… where a word is missing: the number is the row of "
                       "the right choice below. Each place offers every choice of that choice's "
                       "group. Example: “The [[1]] sat on the [[2]].” with the choices 1 cat, "
                       "2 mat, 3 dog, 4 sofa, the animals in group 1 and the things in group 2."))
    shuffle = BooleanField(_l("Shuffle the choices"), description=_l(
        "When the quiz also shuffles the choices within questions."))
    answers = FieldList(FormField(ChoiceRowForm), min_entries=0, max_entries=MAX_ROWS)
    correct_feedback = TextAreaField(_l("Feedback for a fully right answer"), render_kw={"rows": 2},
                                     validators=[Length(max=5000, message=TOO_LONG)])
    partial_feedback = TextAreaField(_l("Feedback for a partly right answer"),
                                     render_kw={"rows": 2},
                                     validators=[Length(max=5000, message=TOO_LONG)])
    incorrect_feedback = TextAreaField(_l("Feedback for a wrong answer"), render_kw={"rows": 2},
                                       validators=[Length(max=5000, message=TOO_LONG)])

    def _drop_fields(self) -> None:
        unused = {"correct", "feedback_true", "feedback_false", "case_sensitive", "grader_info"}
        if not self.is_structure:
            unused |= {"ident", "category", "new_category", "placement", "shuffle"}
        if not self.is_new:
            unused.add("placement")
        for name in unused & set(self._fields):
            delattr(self, name)

    def kept_rows(self) -> list[ChoiceRowForm]:
        """Every row but the empty ones at the end: a choice's number is its row."""
        rows = [entry.form for entry in self.answers]
        if self.is_structure:
            while rows and rows[-1].is_empty():
                rows.pop()
        return rows

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for row in self.kept_rows():
            if row.is_empty():
                row.text.errors = [*row.text.errors, _l(
                    "Fill this choice: only the last rows may be left empty, as the places "
                    "count the choices by their row.") if self.is_structure else REQUIRED]
                valid = False
        if not valid or not self.is_structure:
            return valid  # a translation's places are checked when it is saved
        return self._check_places()

    def _check_places(self) -> bool:
        """Moodle's checks (gapselect.problems), each next to its field."""
        found = gapselect.problems(self.to_question())
        for field, message in found:
            holder = self.text if field == "text" else self.answers
            holder.errors = [*holder.errors, str(message)]
        return not found

    # --- From stored values to the form ---------------------------------------------------------

    def fill(self, question: GiftQuestion, lesson_id: int | None = None) -> None:
        self.text.data, self.text_format.data = question.text, question.text_format
        self.general_feedback.data = question.general_feedback
        for name in gapselect.FEEDBACKS:
            self[name].data = getattr(question, name)
        if self.is_structure:
            self._fill_structure(question, lesson_id)
            self.shuffle.data = question.shuffle
        for index, answer in enumerate(question.answers):
            self.answers.append_entry({"origin": str(index), "text": answer.text,
                                       "group": str(answer.group)})
        if self.is_structure:
            for _ in range(EXTRA_ROWS if question.answers else NEW_ROWS):
                self.answers.append_entry({"group": "1"})

    # --- From the form to a question ------------------------------------------------------------

    def to_question(self) -> GiftQuestion:
        if not self.is_structure:
            question = copy.deepcopy(self.stored)
            for answer, row in zip(question.answers, self.kept_rows(), strict=False):
                answer.text = (row.text.data or "").strip()
        else:
            question = GiftQuestion(0, (self.ident.data or "").strip(), self.category_value(),
                                    gapselect.QTYPE, "", self.text_format.data,
                                    shuffle=bool(self.shuffle.data))
            question.answers = [Answer(text=(row.text.data or "").strip(),
                                       group=row.group_number()) for row in self.kept_rows()]
        self._put_words(question)
        for name in gapselect.FEEDBACKS:
            setattr(question, name, (self[name].data or "").strip())
        return question
