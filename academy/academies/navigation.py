"""The academies' link in the main menu, and the academies whose links a person sees (those
they administer)."""
from __future__ import annotations

from academy.academies import policy
from academy.academies.models import Academy
from academy.academies.queries import academies_administered_by
from academy.i18n import lazy_gettext as _l
from academy.navigation import Link

ACADEMIES = Link(_l("Academies"), "academies.index", policy.can_manage_academies)


def administered_by(user) -> list[Academy]:
    """The academies this person administers; no query for whoever administers none."""
    return academies_administered_by(user) if user.admin_academy_ids else []
