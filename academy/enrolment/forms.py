"""Forms to enrol, and to set a course's enrolment rules."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from academy.enrolment.models import APPROVAL, CLOSED, KEY, MARKED, OPEN, VIEWED
from academy.forms import REQUIRED, CheckboxesField, by_label, choices
from academy.i18n import lazy_gettext as _l

POLICY_LABELS = {
    OPEN: _l("Open: anyone who sees the course enrols"),
    KEY: _l("With a key: people type the key you give them"),
    APPROVAL: _l("On request: an instructor or administrator approves"),
    CLOSED: _l("Closed: only staff enrol people"),
}


class EnrolForm(FlaskForm):
    key = StringField(_l("Enrolment key"), validators=[Length(max=100)],
                      render_kw={"autocomplete": "off", "autocapitalize": "none"})


class RulesForm(FlaskForm):
    policy = SelectField(_l("How people enrol"), choices=choices(POLICY_LABELS.items()))
    enrolment_key = StringField(_l("Enrolment key"), validators=[Length(max=100)],
                                description=_l("Only for enrolment with a key."))
    capacity = IntegerField(_l("Places (empty: no limit)"), validators=[
        Optional(),
        NumberRange(1, 100_000, message=_l("The number of places must be at least 1."))])
    opens_at = DateField(_l("Enrolment opens"), validators=[Optional()],
                         render_kw={"placeholder": "2026-01-31"})
    closes_at = DateField(_l("Enrolment closes"), validators=[Optional()])
    starts_at = DateField(_l("Course starts"), validators=[Optional()])
    ends_at = DateField(_l("Course ends"), validators=[Optional()])
    allow_withdrawal = BooleanField(_l("Participants may withdraw by themselves"))
    completion_mode = SelectField(_l("A lesson counts as done when"), choices=choices([
        (VIEWED, _l("the participant has read it and moves on")),
        (MARKED, _l("the participant marks it as done"))]))
    allowed_academies = CheckboxesField(
        _l("Only these academies (none ticked: every academy that sees the course)"), coerce=int)

    def __init__(self, *args, academies=(), locale: str = "en", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.allowed_academies.choices = by_label((a.id, a.name_in(locale)) for a in academies)
        for field in (self.opens_at, self.closes_at, self.starts_at, self.ends_at):
            field.render_kw = {"placeholder": "2026-01-31", "inputmode": "numeric"}


class StaffEnrolForm(FlaskForm):
    username = StringField(_l("Username or e-mail"),
                           validators=[DataRequired(REQUIRED), Length(max=254)])


class EnrolmentImportForm(FlaskForm):
    csv_file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a file."))],
                         description=_l("One person per row, in a column named username or "
                                        "email (or so in your language: usuario, utilizador, "
                                        "courriel…)."),
                         render_kw={"accept": ".csv,text/csv,text/plain"})
