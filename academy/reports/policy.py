"""Who may read which report. Figures are aggregates, but an academy's figures are its own."""
from __future__ import annotations

from academy.curricula import policy as curricula_policy


def can_see_network(user) -> bool:
    """The network dashboard: network coordinators and site admins."""
    return bool(user.is_authenticated and (user.is_coordinator or user.is_site_admin))


def can_see_academy(user, academy) -> bool:
    """An academy's dashboard: its admins, and whoever sees the whole network."""
    if academy is None or not user.is_authenticated:
        return False
    return can_see_network(user) or academy.id in user.admin_academy_ids


def can_see_course_report(user, course) -> bool:
    """A course's report: its authors (instructors and admins of its academy), coordinators and
    site admins. It counts trainees of every academy but names none."""
    if course is None or not user.is_authenticated:
        return False
    return can_see_network(user) or curricula_policy.can_edit_course(user, course)
