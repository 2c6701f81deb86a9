"""The audit blueprint: the audit log's pages (views.py)."""
from __future__ import annotations

from flask import Blueprint

audit = Blueprint("audit", __name__, template_folder="templates")


def with_views() -> list[Blueprint]:
    """This package's blueprints, in the order the app registers them, with every view
    attached (the modules that declare them are imported)."""
    from academy.audit import views  # noqa: F401

    return [audit]
