"""Forms of a quiz's questions page: the slots' marks and moves, picking bank questions, random
draws, and the picker's filters."""
from __future__ import annotations

from flask_babel import format_decimal
from flask_wtf import FlaskForm
from wtforms import (
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import InputRequired, Length, NumberRange, StopValidation

from academy.forms import REQUIRED, choices
from academy.i18n import lazy_gettext as _l
from academy.quizzes.grading import parse_number
from academy.quizzes.labels import QTYPE_LABELS
from academy.quizzes.slots import MAX_MARK, MAX_SLOTS

MARK_RANGE = _l("Give marks from 0 to 100.")


class MarkField(StringField):
    """A mark as people write it (2.5 or 2,5), shown in the person's language."""

    def process_formdata(self, valuelist) -> None:
        super().process_formdata(valuelist)
        self.number = parse_number(self.data)

    def process_data(self, value) -> None:
        self.number = None if value is None else float(value)
        self.data = "" if value is None else format_decimal(value, "#,##0.##")

    def pre_validate(self, form) -> None:
        if self.number is None or not 0 <= self.number <= MAX_MARK:
            raise StopValidation(str(MARK_RANGE))


class SlotRowForm(Form):
    slot_id = HiddenField()
    mark = MarkField(_l("Mark"), render_kw={"inputmode": "decimal", "size": 5})


class QuizLayoutForm(FlaskForm):
    """The quiz's slots: marks for all, and the button pressed (`action`: "marks", "up-<id>",
    "down-<id>", "break-<id>", "remove-<id>", or "order" with the dragged `order`)."""

    rows = FieldList(FormField(SlotRowForm), max_entries=MAX_SLOTS)
    action = StringField(validators=[Length(max=40)])
    order = HiddenField(validators=[Length(max=4000)])
    unlocked = HiddenField()

    def marks(self) -> dict[int, float]:
        return {int(row.form.slot_id.data): row.form.mark.number for row in self.rows
                if (row.form.slot_id.data or "").isdigit() and row.form.mark.number is not None}

    def order_ids(self) -> list[int]:
        return [int(part) for part in (self.order.data or "").split(",") if part.isdigit()]

    def pressed(self) -> tuple[str, int | None]:
        """(what, slot id) of the button pressed."""
        what, _, target = (self.action.data or "marks").partition("-")
        return what, int(target) if target.isdigit() else None


class AddQuestionsForm(FlaskForm):
    question_ids = SelectMultipleField(_l("Questions"), coerce=int, validate_choice=False)
    unlocked = HiddenField()


class AddRandomForm(FlaskForm):
    category = SelectField(_l("Category"))
    count = IntegerField(_l("Number of random questions"), default=1, validators=[
        InputRequired(REQUIRED), NumberRange(1, MAX_SLOTS, message=_l(
            "Give a number of questions from 1 to %(max)d.", max=MAX_SLOTS))])
    unlocked = HiddenField()

    def __init__(self, *args, categories=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.category.choices = [(name, name) for name in categories]


class PickerFilterForm(FlaskForm):
    """The bank picker's search and filters, read from the query string."""

    class Meta:
        csrf = False  # a GET filter changes nothing

    q = StringField(_l("Search"), validators=[Length(max=100)])
    category = SelectField(_l("Category"))
    qtype = SelectField(_l("Type"), choices=choices([("", _l("All types")),
                                                     *QTYPE_LABELS.items()]))

    def __init__(self, *args, categories=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.category.choices = choices([("", _l("All categories")),
                                         *((name, name) for name in categories)])

    def value(self, name: str) -> str | None:
        """A filter's value, or None when it is empty or not one of its choices."""
        field = self[name]
        return field.data if field.data and field.validate(self) else None
