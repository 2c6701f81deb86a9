"""The credentials blueprint: the trust list and did:web documents (views.py)."""
from __future__ import annotations

from flask import Blueprint

credentials = Blueprint("credentials", __name__)


def with_views() -> list[Blueprint]:
    """This package's blueprints, in the order the app registers them, with every view
    attached (the modules that declare them are imported)."""
    from academy.credentials import views  # noqa: F401

    return [credentials]
