"""The form a site admin fills to create or edit an academy."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from academy import zones
from academy.forms import REQUIRED, choices
from academy.i18n import LOCALES, country_choices, current_locale, locale_choices
from academy.i18n import lazy_gettext as _l

_MAX = _l("Use at most %(max)d characters.")


class AcademyForm(FlaskForm):
    slug = StringField(
        _l("Short name (in addresses)"),
        description=_l("Lower-case letters, digits and hyphens, e.g. enap-france."),
        validators=[DataRequired(REQUIRED), Length(max=64, message=_MAX)],
        render_kw={"autocapitalize": "none", "spellcheck": "false", "maxlength": 64},
    )
    name_es = StringField(_l("Name in Spanish"), validators=[Length(max=200, message=_MAX)])
    name_pt = StringField(_l("Name in Portuguese"), validators=[Length(max=200, message=_MAX)])
    name_fr = StringField(_l("Name in French"), validators=[Length(max=200, message=_MAX)])
    name_en = StringField(_l("Name in English"), validators=[Length(max=200, message=_MAX)])
    name_it = StringField(_l("Name in Italian"), validators=[Length(max=200, message=_MAX)])
    country = SelectField(
        _l("Country"), validators=[DataRequired(REQUIRED)],
        choices=lambda: choices([("", _l("Choose a country")), *country_choices(current_locale())]),
    )
    default_locale = SelectField(
        _l("Default language"), default="",
        description=_l("The interface language of its people until they choose their own."),
        choices=choices([("", _l("The country's usual language")), *locale_choices()]))
    timezone = SelectField(
        _l("Time zone"), default="",
        description=_l("Its people read dates and times in it, unless they choose their own. "
                       "Empty: the country's."),
        choices=lambda: choices([("", _l("The country's time zone")),
                                 *zones.choices(current_locale())]),
    )
    logo = FileField(
        _l("Logo (optional)"),
        description=_l("PNG, JPEG, GIF or WebP, at most 1 MB. "
                       "It is resized to fit 600 × 300 pixels."),
        render_kw={"accept": "image/png,image/jpeg,image/gif,image/webp"},
    )
    remove_logo = BooleanField(_l("Remove the current logo"))

    def names(self) -> dict[str, str]:
        return {code: getattr(self, f"name_{code}").data or "" for code in LOCALES}

    def name_fields(self):
        return [getattr(self, f"name_{code}") for code in LOCALES]
