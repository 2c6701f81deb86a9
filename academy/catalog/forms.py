"""The catalogue's search and filters (a GET form: it changes nothing)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField

from academy.curricula import topics
from academy.forms import by_label, choices
from academy.i18n import content_language_choices, country_name
from academy.i18n import lazy_gettext as _l


class CatalogFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), render_kw={"type": "search", "maxlength": 100})
    academy = SelectField(_l("Academy"), default="")
    country = SelectField(_l("Country"), default="")
    language = SelectField(_l("Language"), default="")
    tag = SelectField(_l("Topic"), default="")

    def offer(self, facets: dict, locale: str) -> None:
        """Fill the choices with what the catalogue holds for this person."""
        self.academy.choices = by_label(
            ((str(a.id), a.name_in(locale)) for a in facets["academies"]), _l("All academies"))
        self.country.choices = by_label(
            ((c, country_name(c, locale)) for c in facets["countries"]), _l("All countries"))
        self.language.choices = choices([("", _l("All languages")), *content_language_choices()])
        self.tag.choices = by_label(topics.names_of(facets["tags"], locale).items(),
                                    _l("All topics"))
