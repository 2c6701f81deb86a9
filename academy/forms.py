"""Pieces every domain's forms share."""
from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectMultipleField, ValidationError, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from academy.domain_errors import DomainError
from academy.extensions import db
from academy.i18n import lazy_gettext as _l
from academy.i18n import sort_key

# i18n: WTForms' own messages, marked here so they are extracted and translated with ours.
_WTFORMS_MESSAGES = (
    _l("Not a valid choice."),
    _l("'%(value)s' is not a valid choice for this field."),
    _l("This field is required."),
    _l("Invalid input."),
    _l("Not a valid date value."),
    _l("Not a valid integer value."),
)
REQUIRED = _l("This field is required.")


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as the options of a select or checkbox list."""
    return [SelectChoice(value, label) for value, label in pairs]


def by_label(pairs, blank=None) -> list[SelectChoice]:
    """(value, label) pairs ordered by label as the person's language sorts them; `blank`, when
    given, labels a first option of value "" (e.g. "All academies")."""
    ordered = sorted(pairs, key=lambda pair: sort_key(pair[1]))
    return choices([("", blank), *ordered] if blank is not None else ordered)


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token travels."""


class ConfirmImportForm(FlaskForm):
    """The checked file travels back with the confirmation, and is checked again."""

    payload = HiddenField(validators=[DataRequired(REQUIRED)])

    def file_bytes(self) -> bytes:
        """The file as it was checked; empty if the form or its payload is not right."""
        if not self.validate_on_submit():
            return b""
        try:
            return base64.b64decode(self.payload.data or "", validate=True)
        except (binascii.Error, ValueError):
            return b""

    @classmethod
    def carrying(cls, data: bytes, **values: str) -> ConfirmImportForm:
        """A confirmation form that carries this (already checked) file, and the choices made
        with it (`values`: the other hidden fields of a subclass)."""
        return cls(formdata=None, payload=base64.b64encode(data).decode(), **values)


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes (works without JavaScript)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def as_id(text: str | None) -> int | None:
    """A record id given as text (a select's value, a URL parameter), or None if it is not one."""
    return int(text) if text and re.fullmatch(r"[0-9]{1,9}", text) else None


def rule(check: Callable[[object], object]):
    """A WTForms validator from a rule that returns a message or None."""

    def _validate(_form, field) -> None:
        problem = check(field.data)
        if problem is not None:
            raise ValidationError(str(problem))

    return _validate


class Outcome:
    """What `attempt` did: truthy when the change went through, with the change's result."""

    def __init__(self, ok: bool, value=None) -> None:
        self.ok, self.value = ok, value

    def __bool__(self) -> bool:
        return self.ok


def attempt(form: FlaskForm, change: Callable[[], object]) -> Outcome:
    """Validate a submitted form, then run the change (an operation; the view commits).

    A DomainError rolls the session back and is shown next to its field, or above the form.
    """
    if not form.validate_on_submit():
        return Outcome(False)
    try:
        value = change()
    except DomainError as error:
        db.session.rollback()
        if not show_domain_error(form, error):
            form.form_errors.append(str(error.message))
        return Outcome(False)
    return Outcome(True, value)


def show_domain_error(form: FlaskForm, error: DomainError) -> bool:
    """Put a domain error next to its field; return False if the form has no such field."""
    field = getattr(form, error.field, None) if error.field else None
    if field is None:
        return False
    field.errors = [*field.errors, str(error.message)] if isinstance(field.errors, list) else [
        str(error.message)]
    return True


# How many people a mass action's confirmation names before "and N more".
CONFIRM_NAMES = 10


def ask_first(question: str, *, button: str, back: str, names: list[str] = ()):
    """A deletion asks first: the page that says what goes with it (the first names, then how
    many more) and posts again with `confirmed=1`; None once the person has confirmed."""
    from flask import render_template, request

    if request.form.get("confirmed") == "1":
        return None
    return render_template("confirm.html", question=question, button=button, back=back,
                           names=list(names)[:CONFIRM_NAMES],
                           more=max(0, len(names) - CONFIRM_NAMES), action=request.path)
