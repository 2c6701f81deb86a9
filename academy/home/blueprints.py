"""The home blueprint: the front page and a person's own courses (views.py)."""
from __future__ import annotations

from flask import Blueprint

home = Blueprint("home", __name__, template_folder="templates")


def with_views() -> list[Blueprint]:
    """This package's blueprints, in the order the app registers them, with every view
    attached (the modules that declare them are imported)."""
    from academy.home import views  # noqa: F401

    return [home]
