"""Forms of the bank's list: its filters, and moving ticked questions to a category."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from academy.forms import choices
from academy.i18n import lazy_gettext as _l
from academy.quizzes.bank.question_form import TOO_LONG, clean_category
from academy.quizzes.labels import QTYPE_LABELS

BANK_ONLY = "bank"  # the filter value for questions placed in no quiz
NO_CATEGORY = "/"  # the filter value for questions without a category (no real path starts so)


class BankFilterForm(FlaskForm):
    """The list's filters, read from the query string; a wrong value is ignored."""

    class Meta:
        csrf = False  # a GET filter changes nothing

    category = SelectField(_l("Category"))
    quiz = SelectField(_l("Quiz"))
    qtype = SelectField(_l("Type"), choices=choices([("", _l("All types")),
                                                     *QTYPE_LABELS.items()]))

    def __init__(self, *args, categories=(), quizzes=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.category.choices = choices([("", _l("All categories")),
                                         (NO_CATEGORY, _l("No category")),
                                         *((name, name) for name in categories if name)])
        self.quiz.choices = choices([("", _l("All questions")), (BANK_ONLY, _l("Bank only")),
                                     *((str(id_), title) for id_, title in quizzes)])

    def value(self, name: str) -> str | None:
        """A filter's value, or None when it is empty or not one of its choices."""
        field = self[name]
        return field.data if field.data and not field.errors else None


class MoveForm(FlaskForm):
    """Several ticked questions of the list, moved to one category."""

    question_ids = SelectMultipleField(coerce=int, validators=[
        DataRequired(_l("Tick the questions to move first."))])
    category = SelectField(_l("Move the ticked questions to"))
    new_category = StringField(_l("Or a new category"),
                               validators=[Length(max=200, message=TOO_LONG)])

    def __init__(self, *args, question_ids=(), categories=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.question_ids.choices = [(id_, str(id_)) for id_ in question_ids]
        self.category.choices = choices([("", _l("Choose…")), (NO_CATEGORY, _l("No category")),
                                         *((name, name) for name in categories)])

    def validate_category(self, field) -> None:
        if not field.data and not clean_category(self.new_category.data):
            raise ValidationError(_l("Choose a category or type a new one."))

    def category_value(self) -> str:
        chosen = "" if self.category.data == NO_CATEGORY else self.category.data
        return clean_category(self.new_category.data or chosen)

