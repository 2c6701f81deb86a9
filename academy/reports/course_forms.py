"""The filters of a course's report (a GET form: it changes nothing)."""
from __future__ import annotations

from wtforms import SelectField

from academy.forms import as_id, by_label
from academy.i18n import lazy_gettext as _l
from academy.reports.period import PeriodForm


class CourseReportForm(PeriodForm):
    """The period of activation, and optionally the trainees' home academy."""

    academy = SelectField(_l("Trainees' academy"), default="")

    def offer(self, academies, locale: str) -> None:
        """Offer the academies given (those with trainees in the course), by name."""
        self.academy.choices = by_label(
            ((str(a.id), a.name_in(locale)) for a in academies), _l("All academies"))

    def academy_id(self) -> int | None:
        """The academy chosen; None for all, or when the value is not one offered (the field
        then shows why). Call after `period()`, which validates the form."""
        return None if self.academy.errors else as_id(self.academy.data)
