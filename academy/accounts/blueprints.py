"""The accounts blueprint: signing in and out, passwords, languages (views.py)."""
from __future__ import annotations

from flask import Blueprint

accounts = Blueprint("accounts", __name__, template_folder="templates")


def with_views() -> list[Blueprint]:
    """This package's blueprints, in the order the app registers them, with every view
    attached (the modules that declare them are imported)."""
    from academy.accounts import views  # noqa: F401

    return [accounts]
