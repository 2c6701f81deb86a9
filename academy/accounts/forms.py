"""Forms to sign in, change one's password and profile, and pick a language."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from academy import zones
from academy.accounts import validation
from academy.forms import REQUIRED, choices, rule
from academy.i18n import current_locale, locale_choices
from academy.i18n import lazy_gettext as _l


class LoginForm(FlaskForm):
    username = StringField(
        _l("Username or e-mail"),
        validators=[DataRequired(REQUIRED),
                    Length(max=254, message=_l("Use at most %(max)d characters."))],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(REQUIRED),
                    Length(max=1024, message=_l("Use at most %(max)d characters."))],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(REQUIRED)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("New password"), validators=[DataRequired(REQUIRED)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm_password = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(REQUIRED),
                    EqualTo("new_password", message=_l("The two passwords are not the same."))],
        render_kw={"autocomplete": "new-password"},
    )


def _locale_field(label):
    return SelectField(
        label,
        choices=choices([("", _l("Automatic (from the browser)")), *locale_choices()]),
        default="",
        validators=[rule(validation.locale_problem)],
    )


class ProfileForm(FlaskForm):
    display_name = StringField(
        _l("Full name"), validators=[rule(validation.display_name_problem)],
        render_kw={"autocomplete": "name", "maxlength": validation.MAX_DISPLAY_NAME},
    )
    email = EmailField(
        _l("E-mail (optional)"),
        filters=[validation.normalize_email],
        validators=[rule(validation.email_problem)],
        render_kw={"autocomplete": "email"},
    )
    locale = _locale_field(_l("Language"))
    timezone = SelectField(
        _l("Time zone"), default="",
        description=_l("Dates and times are shown in it."),
        choices=lambda: choices([("", _l("My academy's time zone")),
                                 *zones.choices(current_locale())]),
    )


class LanguageForm(FlaskForm):
    """The switcher on every page: one submit button per language."""

    locale = HiddenField(validators=[rule(validation.locale_problem)])
    next = HiddenField()
