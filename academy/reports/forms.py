"""The dashboards' filters (GET forms: they change nothing)."""
from __future__ import annotations

from wtforms import SelectField

from academy.forms import by_label
from academy.i18n import country_name
from academy.i18n import lazy_gettext as _l
from academy.reports.period import PeriodForm


class NetworkFilterForm(PeriodForm):
    country = SelectField(_l("Country"), default="")

    def offer(self, countries: list[str], locale: str) -> None:
        self.country.choices = by_label(
            ((code, country_name(code, locale)) for code in countries), _l("All countries"))

    def chosen_country(self) -> str | None:
        """The country asked for, when it is one of the network's; None for all, or when the
        value is not one offered (the field then shows why). Call after `period()`, which
        validates the form."""
        return None if self.country.errors else (self.country.data or None)
