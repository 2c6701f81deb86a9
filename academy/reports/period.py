"""The period a report covers: from one day to another, both included, in UTC.

Asked as `since` and `until` (ISO dates) in the URL. Without them a report covers the last
twelve months up to today. A wrong value is reported by the form and the default is used.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms.validators import Optional

from academy.db import utcnow
from academy.i18n import lazy_gettext as _l

LONGEST = timedelta(days=366 * 10)


@dataclass(frozen=True)
class Period:
    first: date
    last: date  # included

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time.min, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        """The first moment after the period."""
        return datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=UTC)

    def months(self) -> list[str]:
        """Every month the period touches, as YYYY-MM, in order."""
        months, year, month = [], self.first.year, self.first.month
        while (year, month) <= (self.last.year, self.last.month):
            months.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months

    def as_args(self) -> dict[str, str]:
        return {"since": self.first.isoformat(), "until": self.last.isoformat()}


def default_period(today: date | None = None) -> Period:
    """Twelve months up to today: from the first day of the eleventh month before this one."""
    today = today or utcnow().date()
    year, month = divmod(today.year * 12 + today.month - 1 - 11, 12)
    return Period(date(year, month + 1, 1), today)


class PeriodForm(FlaskForm):
    """The period of a report (a GET form: it changes nothing)."""

    class Meta:
        csrf = False

    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])

    def period(self) -> Period:
        """The period asked for; a wrong date is reported at its field and its default used."""
        self.validate()
        fallback = default_period()
        first = self.since.data if self.since.data and not self.since.errors else fallback.first
        last = self.until.data if self.until.data and not self.until.errors else fallback.last
        if last < first:
            self.until.errors = [*self.until.errors,
                                 _l("The end of the period must not be before its start.")]
            first, last = fallback.first, fallback.last
        elif last - first > LONGEST:
            self.since.errors = [*self.since.errors, _l("A period can cover at most ten years.")]
            first = last - LONGEST
        for f, value in ((self.since, first), (self.until, last)):
            if not f.errors:
                f.data = value  # show the period used
        return Period(first, last)
