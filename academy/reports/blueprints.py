"""The reports' blueprints: a course's report (course_views.py) and the dashboards
(views.py)."""
from __future__ import annotations

from flask import Blueprint

course_reports = Blueprint("course_reports", __name__, template_folder="templates")
reports = Blueprint("reports", __name__, template_folder="templates")


def with_views() -> list[Blueprint]:
    """This package's blueprints, in the order the app registers them, with every view
    attached (the modules that declare them are imported)."""
    from academy.reports import course_views, views  # noqa: F401

    return [course_reports, reports]
