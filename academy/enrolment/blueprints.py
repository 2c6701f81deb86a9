"""The enrolment blueprints: enrolling and studying (views.py) and the partners'
enrolment pages (partner_views.py)."""
from __future__ import annotations

from flask import Blueprint

enrolment = Blueprint("enrolment", __name__, template_folder="templates")
partner_enrolment = Blueprint("partner_enrolment", __name__, template_folder="templates")


def with_views() -> list[Blueprint]:
    """This package's blueprints, in the order the app registers them, with every view
    attached (the modules that declare them are imported)."""
    from academy.enrolment import partner_views, views  # noqa: F401

    return [enrolment, partner_enrolment]
