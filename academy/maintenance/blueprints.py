"""The maintenance blueprint: no routes, only this package's templates (the page views.py
shows while maintenance is on)."""
from __future__ import annotations

from flask import Blueprint

maintenance = Blueprint("maintenance", __name__, template_folder="templates")


def with_views() -> list[Blueprint]:
    """This package's blueprints, in the order the app registers them, with every view
    attached (the modules that declare them are imported)."""
    return [maintenance]
