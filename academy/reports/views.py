"""The network's dashboard (coordinators), each academy's (its admins) and their exports."""
from __future__ import annotations

import json

from flask import abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from academy import cache
from academy.academies.models import Academy
from academy.charts import grouped_chart
from academy.extensions import db
from academy.i18n import country_name, current_locale
from academy.reports import policy, queries, tables
from academy.reports.blueprints import reports as bp
from academy.reports.forms import NetworkFilterForm
from academy.reports.period import PeriodForm
from academy.reports.sql import prepare_for_reports
from academy.spreadsheets import table_response

NETWORK_TABLES = ("academies", "countries", "months", "courses", "exchange")
ACADEMY_TABLES = ("figures", "months", "courses", "exchange")
FORMATS = ("csv", "xlsx")
EXCHANGE_BARS = 12
ACADEMY_COURSES = 50


def _network_filters():
    if not policy.can_see_network(current_user):
        abort(403)
    form = NetworkFilterForm(request.args)
    # The network's countries change when an academy joins: kept with the figures.
    countries = cache.kept("reports:countries", current_app.config["REPORTS_KEPT_SECONDS"],
                           lambda: json.dumps(queries.countries()))
    form.offer(json.loads(countries.text), current_locale())
    return form, form.period(), form.chosen_country()


def _network_scope(country: str | None) -> queries.Scope:
    prepare_for_reports()
    return queries.country_scope(country) if country else queries.Scope()


def _academy_filters(academy_id: int):
    academy = db.session.get(Academy, academy_id)
    if academy is None:
        abort(404)
    if not policy.can_see_academy(current_user, academy):
        abort(403)
    form = PeriodForm(request.args)
    return academy, form, form.period()


def _academy_scope(academy: Academy) -> queries.Scope:
    prepare_for_reports()
    return queries.Scope(frozenset({academy.id}))


def _month_chart(months):
    return grouped_chart([tables.month_label(row.month, "MMM yy") for row in months],
                         [(_("Enrolments"), [row.enrolments for row in months]),
                          (_("Completions"), [row.completions for row in months])])


def _exchange_chart(rows):
    top = rows[:EXCHANGE_BARS]
    return grouped_chart([f"{row.origin.slug} → {row.learners.slug}" for row in top],
                         [(_("Enrolments"), [row.enrolments for row in top])], horizontal=True)


def _figures_part(key: str, compute) -> dict:
    """The dashboard's figures, rendered by `compute()` or as kept by an earlier request, and
    when they were computed (the page says so)."""
    seconds = current_app.config["REPORTS_KEPT_SECONDS"]
    part = cache.kept(f"{key}:{current_locale()}", seconds, compute)
    return {"figures_part": Markup(part.text), "computed_at": part.computed_at,
            "kept_seconds": seconds}


@bp.route("/reports")
@login_required
def network():
    form, period, country = _network_filters()
    part = _figures_part(f"reports:network:{period.first}:{period.last}:{country or ''}",
                         lambda: _network_figures(period, country))
    return render_template("reports/network.html", form=form, period=period, country=country,
                           **part)


def _network_figures(period, country: str | None) -> str:
    scope = _network_scope(country)
    locale = current_locale()
    figures = queries.figures(period, scope, locale)
    months = figures.months
    courses, exchange = queries.courses_and_exchange(period, scope, shared_only=True)
    charts = {
        "months": _month_chart(months),
        "rates": grouped_chart(
            [academy.name_in(locale) for academy, _f in figures.academies],
            [(_("Completion rate"), [round((f.completion_rate or 0) * 100, 1)
                                     for _a, f in figures.academies])],
            horizontal=True, maximum=100),
        "certificates": grouped_chart(
            [country_name(code, locale) for code, _f in figures.countries],
            [(_("Certificates issued"), [f.issued for _c, f in figures.countries])],
            horizontal=True),
        "exchange": _exchange_chart(exchange),
    }
    return render_template(
        "reports/_network_figures.html", period=period, country=country, figures=figures,
        months=months, courses=courses, exchange=exchange, charts=charts,
        export_args=_export_args(period, country), columns=tables)


@bp.route("/reports/academies/<int:academy_id>")
@login_required
def academy(academy_id: int):
    academy, form, period = _academy_filters(academy_id)
    part = _figures_part(f"reports:academy:{academy.id}:{period.first}:{period.last}",
                         lambda: _academy_figures(academy, period))
    return render_template("reports/academy.html", academy=academy, form=form, period=period,
                           can_see_network=policy.can_see_network(current_user), **part)


def _academy_figures(academy: Academy, period) -> str:
    scope = _academy_scope(academy)
    figures = queries.figures(period, scope, current_locale())
    months = figures.months
    courses, exchange = queries.courses_and_exchange(period, scope, shared_only=False,
                                                     limit=ACADEMY_COURSES)
    return render_template(
        "reports/_academy_figures.html", academy=academy, period=period, figures=figures,
        months=months, courses=courses, exchange=exchange,
        charts={"months": _month_chart(months), "exchange": _exchange_chart(exchange)},
        export_args=_export_args(period), columns=tables)


def _export_args(period, country: str | None = None) -> dict[str, str]:
    args = period.as_args()
    if country:
        args["country"] = country
    return args


@bp.route("/reports/<table>.<fmt>")
@login_required
def network_export(table: str, fmt: str):
    if table not in NETWORK_TABLES or fmt not in FORMATS:
        abort(404)
    _form, period, country = _network_filters()
    scope = _network_scope(country)
    locale = current_locale()
    if table in ("academies", "countries"):
        figures = queries.figures(period, scope, locale)
        rows = (tables.academies_table(figures, locale) if table == "academies"
                else tables.countries_table(figures, locale))
    elif table == "months":
        rows = tables.months_table(queries.monthly(period, scope))
    elif table == "courses":
        rows = tables.courses_table(
            queries.followed_courses(period, scope, shared_only=True), locale)
    else:
        rows = tables.exchange_table(queries.exchange(period, scope), locale)
    name = "-".join(filter(None, ["network", country, table, period.first.isoformat(),
                                  period.last.isoformat()]))
    return table_response(rows, name, fmt, table)


@bp.route("/reports/academies/<int:academy_id>/<table>.<fmt>")
@login_required
def academy_export(academy_id: int, table: str, fmt: str):
    if table not in ACADEMY_TABLES or fmt not in FORMATS:
        abort(404)
    academy, _form, period = _academy_filters(academy_id)
    scope = _academy_scope(academy)
    locale = current_locale()
    if table == "figures":
        rows = tables.academies_table(queries.figures(period, scope, locale), locale)[:-1]
    elif table == "months":
        rows = tables.months_table(queries.monthly(period, scope))
    elif table == "courses":
        rows = tables.courses_table(queries.followed_courses(
            period, scope, shared_only=False, limit=None), locale)
    else:
        rows = tables.exchange_table(queries.exchange(period, scope), locale)
    name = "-".join([academy.slug, table, period.first.isoformat(), period.last.isoformat()])
    return table_response(rows, name, fmt, table)
