"""The dashboards' tables as rows of plain values: the same columns on the page and in the
CSV and .xlsx exports."""
from __future__ import annotations

from datetime import date

from flask_babel import format_date

from academy.i18n import country_name
from academy.i18n import lazy_gettext as _l
from academy.reports.queries import CourseRow, ExchangeRow, Figures, MonthRow
from academy.spreadsheets import number_cell, percent_cell

FIGURE_COLUMNS = [
    _l("Active trainees"), _l("Enrolments"), _l("Completions"), _l("Completion rate (%)"),
    _l("Median days to complete"), _l("Average final grade (%)"), _l("Certificates issued"),
    _l("Certificates expired"), _l("Certificates revoked")]
MONTH_COLUMNS = [_l("Month"), _l("Enrolments"), _l("Completions"), _l("Certificates issued")]
COURSE_COLUMNS = [_l("Course"), _l("Academy that wrote it"), _l("Enrolments"), _l("Completions"),
                  _l("Completion rate (%)"), _l("Academies of the trainees")]
EXCHANGE_COLUMNS = [_l("Course from"), _l("Followed by trainees of"), _l("Enrolments"),
                    _l("Completions"), _l("Courses adopted")]


def figure_cells(figures: Figures) -> list:
    return [figures.active_trainees, figures.enrolments, figures.completions,
            percent_cell(figures.completion_rate), number_cell(figures.median_days),
            percent_cell(figures.average_grade), figures.issued, figures.expired, figures.revoked]


def month_label(month: str, pattern: str = "MMMM yyyy") -> str:
    """'2026-03' as the person's language writes it ('March 2026', 'mars 2026'…)."""
    year, number = month.split("-")
    return format_date(date(int(year), int(number), 1), pattern)


def academies_table(tables, locale: str) -> list[list]:
    rows = [[str(_l("Academy")), str(_l("Country")), *map(str, FIGURE_COLUMNS)]]
    rows += [[academy.name_in(locale), country_name(academy.country, locale), *figure_cells(f)]
             for academy, f in tables.academies]
    rows.append([str(_l("All academies")), "", *figure_cells(tables.total)])
    return rows


def countries_table(tables, locale: str) -> list[list]:
    rows = [[str(_l("Country")), *map(str, FIGURE_COLUMNS)]]
    rows += [[country_name(code, locale), *figure_cells(f)] for code, f in tables.countries]
    rows.append([str(_l("All countries")), *figure_cells(tables.total)])
    return rows


def months_table(months: list[MonthRow]) -> list[list]:
    return [list(map(str, MONTH_COLUMNS))] + [
        [row.month, row.enrolments, row.completions, row.issued] for row in months]


def courses_table(courses: list[CourseRow], locale: str) -> list[list]:
    return [list(map(str, COURSE_COLUMNS))] + [
        [row.course.title_in(locale), row.course.academy.name_in(locale), row.enrolments,
         row.completions,
         percent_cell(row.completions / row.enrolments if row.enrolments else None),
         row.academies] for row in courses]


def exchange_table(rows: list[ExchangeRow], locale: str) -> list[list]:
    return [list(map(str, EXCHANGE_COLUMNS))] + [
        [row.origin.name_in(locale), row.learners.name_in(locale), row.enrolments,
         row.completions, row.adopted] for row in rows]
