"""The certificates blueprint; its views are in views.py (issuing, downloads), verify_views.py
(the check by code or PDF file), admin_views.py (policies and designs), signed_views.py (signed QR
codes, status lists), offline_views.py (the offline verifier) and credential_views.py (Open Badges
credentials)."""
from __future__ import annotations

from flask import Blueprint

certificates = Blueprint("certificates", __name__, template_folder="templates")


def with_views() -> list[Blueprint]:
    """This package's blueprints, in the order the app registers them, with every view
    attached (the modules that declare them are imported)."""
    from academy.certificates import (  # noqa: F401
        admin_views,
        credential_views,
        offline_views,
        signed_views,
        verify_views,
        views,
    )

    return [certificates]
