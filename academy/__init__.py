"""Campus: the training platform of the Prison Academies Network.

The package itself imports nothing heavy: a certificate renderer process that only needs
`academy.certificates.rendering` should not load Flask, SQLAlchemy and Alembic on the way.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application (see academy.app)."""
    from academy.app import create_app as build

    return build(config)
