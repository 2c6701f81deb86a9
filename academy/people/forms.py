"""Forms to create, edit and import the people of an academy, and the network's staff."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import EmailField, SelectField, StringField
from wtforms.validators import DataRequired

from academy.accounts import validation
from academy.accounts.roles import ACADEMY_ROLES, NETWORK_ROLES, ROLE_LABELS
from academy.forms import CheckboxesField, choices, rule
from academy.i18n import lazy_gettext as _l
from academy.i18n import locale_choices


def _locale_choices():
    return choices([("", _l("Automatic (from the browser)")), *locale_choices()])


class PersonForm(FlaskForm):
    username = StringField(
        _l("Username"),
        description=_l("Used to sign in. Lower-case letters, digits, dots, hyphens; "
                       "e.g. maria.lopez"),
        filters=[validation.normalize_username],
        validators=[rule(validation.username_problem)],
        render_kw={"autocapitalize": "none", "spellcheck": "false", "maxlength": 64,
                   "autocomplete": "off"},
    )
    display_name = StringField(
        _l("Full name"), validators=[rule(validation.display_name_problem)],
        description=_l("As it must appear on certificates, with its accents."),
        render_kw={"maxlength": validation.MAX_DISPLAY_NAME, "autocomplete": "off"},
    )
    email = EmailField(_l("E-mail (optional)"), filters=[validation.normalize_email],
                       validators=[rule(validation.email_problem)],
                       render_kw={"autocomplete": "off"})
    staff_number = StringField(
        _l("Staff number (optional)"),
        description=_l("The institutional number; unique within the academy."),
        validators=[rule(validation.staff_number_problem)],
        render_kw={"maxlength": validation.MAX_STAFF_NUMBER},
    )
    locale = SelectField(_l("Language"), choices=_locale_choices(), default="",
                         validators=[rule(validation.locale_problem)])
    roles = CheckboxesField(
        _l("Roles in the academy"),
        choices=choices((role, ROLE_LABELS[role]) for role in ACADEMY_ROLES),
        validators=[DataRequired(_l("Choose at least one role."))],
    )


class EditPersonForm(PersonForm):
    """Editing keeps the username: it is what the person signs in with."""

    username = None


class NetworkStaffForm(FlaskForm):
    username = PersonForm.username
    display_name = PersonForm.display_name
    email = PersonForm.email
    locale = PersonForm.locale
    network_roles = CheckboxesField(
        _l("Network roles"),
        choices=choices((role, ROLE_LABELS[role]) for role in NETWORK_ROLES),
        validators=[DataRequired(_l("Choose at least one role."))],
    )


class EditStaffForm(FlaskForm):
    """Network staff have no academy, hence no staff number; their roles are network-wide."""

    display_name = PersonForm.display_name
    email = PersonForm.email
    locale = PersonForm.locale
    network_roles = NetworkStaffForm.network_roles


class ImportForm(FlaskForm):
    csv_file = FileField(
        _l("CSV file"),
        description=_l("Columns: username, display_name, email, role, locale, staff_number. "
                       "Only username and display_name are required."),
        validators=[FileRequired(_l("Choose a file."))],
        render_kw={"accept": ".csv,text/csv,text/plain"},
    )


class PeopleFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    q = StringField(_l("Search"), render_kw={"type": "search", "maxlength": 100})
    role = SelectField(_l("Role"), choices=choices(
        [("", _l("All roles")), *[(r, ROLE_LABELS[r]) for r in ACADEMY_ROLES]]))
    status = SelectField(_l("Status"), choices=choices(
        [("", _l("All")), ("active", _l("Active")), ("inactive", _l("Deactivated"))]))
