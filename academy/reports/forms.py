"""The dashboards' filters (GET forms: they change nothing)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from academy.forms import choices
from academy.i18n import country_name, sort_key
from academy.reports.period import PeriodForm


class NetworkFilterForm(PeriodForm):
    country = SelectField(_l("Country"), default="")

    def offer(self, countries: list[str], locale: str) -> None:
        self.country.choices = choices([("", _l("All countries")), *sorted(
            ((code, country_name(code, locale)) for code in countries),
            key=lambda pair: sort_key(pair[1]))])

    def chosen_country(self) -> str | None:
        """The country asked for, when it is one of the network's (else the field says so)."""
        if not self.country.data:
            return None
        if not self.country.validate(self):
            return None
        return self.country.data
