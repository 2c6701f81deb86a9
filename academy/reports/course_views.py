"""A course's report for its instructors: the funnel from enrolled to completed, where trainees
stop, and how long lessons take; every table exports to CSV and .xlsx."""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from academy.charts import grouped_chart
from academy.curricula import policy as curricula_policy
from academy.curricula.models import QUIZ, Course, Lesson, Module, best_text
from academy.curricula.queries import course_outline
from academy.db import utcnow
from academy.i18n import current_locale, is_interface_locale
from academy.i18n import lazy_gettext as _l
from academy.reports import course_queries as queries
from academy.reports.blueprints import course_reports as bp
from academy.reports.course_forms import CourseReportForm
from academy.reports.period import Period
from academy.reports.policy import can_see_course_report
from academy.reports.sql import prepare_for_reports
from academy.spreadsheets import number_cell, percent_cell, table_response


@dataclass(frozen=True)
class Asked:
    """The course and what the filters asked for (wrong values already set aside)."""

    course: Course
    form: CourseReportForm
    period: Period
    scope: queries.Scope

    def link_args(self) -> dict[str, str]:
        """The filters as URL values, for the export links."""
        args = self.period.as_args()
        if self.scope.academy_id is not None:
            args["academy"] = str(self.scope.academy_id)
        if is_interface_locale(request.args.get("lang")):
            args["lang"] = request.args["lang"]
        return args


@dataclass(frozen=True)
class LessonRow:
    number: int
    module_number: int
    module_title: str
    title: str
    lesson: Lesson
    figures: queries.LessonFigures
    done_share: float | None

    @property
    def is_quiz(self) -> bool:
        return self.lesson.kind == QUIZ


def _asked(course_id: int) -> Asked:
    """The course with its outline; 404 for who may not read its report, as the course's quiz
    pages answer (a draft of another academy stays unconfirmed)."""
    course = course_outline(course_id)
    if course is None or not can_see_course_report(current_user, course):
        abort(404)
    prepare_for_reports()
    form = CourseReportForm(request.args)
    form.offer(queries.report_academies(course.id), current_locale())
    period = form.period()
    return Asked(course, form, period,
                 queries.Scope(course.id, period.start, period.end, form.academy_id()))


def _lessons(course: Course) -> list[tuple[int, Module, Lesson]]:
    """(module number, module, lesson) of every lesson, in course order."""
    return [(number, module, lesson) for number, module in enumerate(course.modules, 1)
            for lesson in module.lessons]


def _title(texts, locale: str, default: str, fallback: str) -> str:
    found = best_text(texts, locale, default)[0]
    return found.title if found else fallback


def _share(count: int, enrolled: int) -> float | None:
    return count / enrolled if enrolled else None


def _stages(funnel: queries.Funnel) -> list[tuple[str, int, float | None]]:
    """(label, count, share of enrolled) of each step of the funnel."""
    return [(label, count, _share(count, funnel.enrolled)) for label, count in (
        (_("Trainees enrolled"), funnel.enrolled), (_("Started the course"), funnel.started),
        (_("Did half the lessons"), funnel.half_done), (_("Did every lesson"), funnel.all_done),
        (_("Completed the course"), funnel.completed))]


def _lesson_rows(asked: Asked, enrolled: int) -> list[LessonRow]:
    figures = queries.lesson_figures(asked.scope, utcnow())
    locale, default = current_locale(), asked.course.default_locale
    rows = []
    for number, (module_number, module, lesson) in enumerate(_lessons(asked.course), 1):
        found = figures.get(lesson.id, queries.LessonFigures())
        rows.append(LessonRow(
            number, module_number, _title(module.texts, locale, default, module.slug),
            _title(lesson.texts, locale, default, lesson.slug), lesson, found,
            _share(found.done, enrolled)))
    return rows


def _back_link(course: Course) -> str | None:
    """The course's page this person can open: its authoring page, else its catalogue page."""
    if curricula_policy.can_edit_course(current_user, course):
        return url_for("authoring.course", course_id=course.id)
    if curricula_policy.can_view_course(current_user, course):
        return url_for("catalog.course", course_id=course.id)
    return None


@bp.route("/courses/<int:course_id>/report")
@login_required
def course(course_id: int):
    asked = _asked(course_id)
    funnel = queries.funnel(asked.scope, len(_lessons(asked.course)))
    stages, rows = _stages(funnel), _lesson_rows(asked, funnel.enrolled)
    academy = next((a for a in asked.form.academy.choices
                    if asked.scope.academy_id is not None
                    and a.value == str(asked.scope.academy_id)), None)
    return render_template(
        "reports/course.html", course=asked.course, form=asked.form, period=asked.period,
        academy_label=academy.label if academy else None, link_args=asked.link_args(),
        funnel=funnel, stages=stages, rows=rows, overall=queries.overall(asked.scope, utcnow()),
        back=_back_link(asked.course),
        idle_days=queries.IDLE.days, break_hours=int(queries.BREAK.total_seconds() // 3600),
        funnel_chart=grouped_chart([label for label, _n, _s in stages],
                                   [(_("Trainees"), [count for _l, count, _s in stages])],
                                   horizontal=True),
        lessons_chart=grouped_chart([f"{row.number}. {row.title}" for row in rows],
                                    [(_("Done by"), [row.figures.done for row in rows])],
                                    horizontal=True))


def _funnel_table(asked: Asked) -> list[list]:
    funnel = queries.funnel(asked.scope, len(_lessons(asked.course)))
    return [[_("Step"), _("Trainees"), _("Share of enrolled (%)")],
            *([label, count, percent_cell(share)] for label, count, share in _stages(funnel))]


def _lessons_table(asked: Asked) -> list[list]:
    enrolled = queries.funnel(asked.scope, len(_lessons(asked.course))).enrolled
    header = [_("Lesson number"), _("Module"), _("Lesson"), _("Kind"), _("Done by"),
              _("Share of enrolled (%)"), _("Stopped here"), _("Typical minutes"),
              _("Author's estimate (minutes)"), _("Median attempt (minutes)"), _("Passed")]
    return [header, *([
        row.number, row.module_title, row.title, _("Quiz") if row.is_quiz else _("Page to read"),
        row.figures.done, percent_cell(row.done_share), row.figures.stopped,
        number_cell(row.figures.median_minutes), row.lesson.minutes or "",
        number_cell(row.figures.attempt_minutes) if row.is_quiz else "",
        row.figures.passed if row.is_quiz else ""] for row in _lesson_rows(asked, enrolled))]


TABLES = {"funnel": (_funnel_table, _l("Funnel")), "lessons": (_lessons_table, _l("Lessons"))}


@bp.route("/courses/<int:course_id>/report/<any(funnel, lessons):table>.<any(csv, xlsx):fmt>")
@login_required
def export(course_id: int, table: str, fmt: str):
    """A table of the report as a download; aggregates only, so nothing personal is recorded."""
    asked = _asked(course_id)
    build, sheet = TABLES[table]
    rows = build(asked)
    name = f"{asked.course.slug}-{table}-{asked.period.first}-{asked.period.last}"
    return table_response(rows, name, fmt, str(sheet))
