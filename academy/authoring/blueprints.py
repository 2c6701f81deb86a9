"""The authoring blueprint; its views are in views.py (content), revisions.py,
sharing.py (life cycle) and topics.py."""
from __future__ import annotations

from flask import Blueprint

authoring = Blueprint("authoring", __name__, template_folder="templates")


def with_views() -> list[Blueprint]:
    """This package's blueprints, in the order the app registers them, with every view
    attached (the modules that declare them are imported)."""
    from academy.authoring import revisions, sharing, topics, views  # noqa: F401

    return [authoring]
