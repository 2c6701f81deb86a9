"""The Moodle blueprint: importing Moodle course backups (views.py)."""
from __future__ import annotations

from flask import Blueprint

moodle = Blueprint("moodle", __name__, template_folder="templates")


def with_views() -> list[Blueprint]:
    """This package's blueprints, in the order the app registers them, with every view
    attached (the modules that declare them are imported)."""
    from academy.moodle import views  # noqa: F401

    return [moodle]
