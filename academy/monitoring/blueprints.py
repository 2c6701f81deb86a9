"""The monitoring blueprint: the probes and /metrics (views.py)."""
from __future__ import annotations

from flask import Blueprint

monitoring = Blueprint("monitoring", __name__)


def with_views() -> list[Blueprint]:
    """This package's blueprints, in the order the app registers them, with every view
    attached (the modules that declare them are imported)."""
    from academy.monitoring import views  # noqa: F401

    return [monitoring]
