"""Who manages cohorts: the academy's admins (and site admins), like its people."""
from __future__ import annotations

from academy.people import policy as people_policy


def can_manage_cohorts(user, academy) -> bool:
    return people_policy.can_manage_people(user, academy)


def can_use_cohorts_of(user, academy_id: int) -> bool:
    """Staff who enrol people may pick the cohorts of their own academy."""
    return user.is_authenticated and (user.is_site_admin or bool(
        user.roles_in(academy_id) & {"instructor", "academy_admin"}))
