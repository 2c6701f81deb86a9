"""Who may issue, see, change and design certificates."""
from __future__ import annotations

from academy.curricula import policy as curricula_policy


def can_issue(user) -> bool:
    """Network coordinators issue, renew, reissue and revoke certificates across the network."""
    return bool(user.is_authenticated and user.is_coordinator)


def can_edit_policy(user, course) -> bool:
    """A course's certificate policy is set by its authors (instructors, academy admins)."""
    return curricula_policy.can_edit_course(user, course)


def can_design(user, academy) -> bool:
    """An academy's certificate template is its admins' (and a site admin's)."""
    if not user.is_authenticated or academy is None:
        return False
    return user.is_site_admin or academy.id in user.admin_academy_ids


def can_see_certificate(user, certificate, trainee_academy_id: int | None) -> bool:
    """The holder, coordinators, and the admins of the issuing or the holder's academy."""
    if not user.is_authenticated or certificate is None:
        return False
    if certificate.user_id == user.id or user.is_coordinator:
        return True
    return bool({certificate.academy_id, trainee_academy_id} & user.admin_academy_ids)


def can_follow_job(user, job) -> bool:
    """A job's progress and downloads are for the coordinator who started it (while they are
    one: the zip holds other people's certificates)."""
    return bool(can_issue(user) and job is not None and job.owner_id == user.id)
