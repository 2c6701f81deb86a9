"""Pieces every domain's forms share."""
from __future__ import annotations

from typing import Callable

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, ValidationError, widgets
from wtforms.fields.choices import SelectChoice

from academy.domain import DomainError

# i18n: WTForms' own messages, marked here so they are extracted and translated with ours.
_WTFORMS_MESSAGES = (
    _l("Not a valid choice."),
    _l("'%(value)s' is not a valid choice for this field."),
    _l("This field is required."),
    _l("Invalid input."),
)
REQUIRED = _l("This field is required.")


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as the options of a select or checkbox list."""
    return [SelectChoice(value, label) for value, label in pairs]


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token travels."""


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes (works without JavaScript)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def rule(check: Callable[[object], object]):
    """A WTForms validator from a rule that returns a message or None."""

    def _validate(_form, field) -> None:
        problem = check(field.data)
        if problem is not None:
            raise ValidationError(str(problem))

    return _validate


def show_domain_error(form: FlaskForm, error: DomainError) -> bool:
    """Put a domain error next to its field; return False if the form has no such field."""
    field = getattr(form, error.field, None) if error.field else None
    if field is None:
        return False
    field.errors = [*field.errors, str(error.message)] if isinstance(field.errors, list) else [
        str(error.message)]
    return True
