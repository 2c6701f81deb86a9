"""The catalogue blueprint: the courses a person may read (views.py)."""
from __future__ import annotations

from flask import Blueprint

catalog = Blueprint("catalog", __name__, template_folder="templates")


def with_views() -> list[Blueprint]:
    """This package's blueprints, in the order the app registers them, with every view
    attached (the modules that declare them are imported)."""
    from academy.catalog import views  # noqa: F401

    return [catalog]
