"""The academies blueprint: creating and editing academies (views.py)."""
from __future__ import annotations

from flask import Blueprint

academies = Blueprint("academies", __name__, template_folder="templates")


def with_views() -> list[Blueprint]:
    """This package's blueprints, in the order the app registers them, with every view
    attached (the modules that declare them are imported)."""
    from academy.academies import views  # noqa: F401

    return [academies]
