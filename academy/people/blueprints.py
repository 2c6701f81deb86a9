"""The people blueprint: an academy's people and the network staff (views.py)."""
from __future__ import annotations

from flask import Blueprint

people = Blueprint("people", __name__, template_folder="templates")


def with_views() -> list[Blueprint]:
    """This package's blueprints, in the order the app registers them, with every view
    attached (the modules that declare them are imported)."""
    from academy.people import views  # noqa: F401

    return [people]
