"""Who may read and check the audit log."""
from __future__ import annotations


def can_read_log(user) -> bool:
    """Site admins read the whole log; academy admins the events of their academies."""
    return bool(user.is_authenticated and (user.is_site_admin or user.admin_academy_ids))


def academy_scope(user) -> set[int] | None:
    """The academies whose events this person may read; None means every event."""
    return None if user.is_site_admin else set(user.admin_academy_ids)


def can_verify_chain(user) -> bool:
    """Checking the whole chain is the site admin's."""
    return bool(user.is_authenticated and user.is_site_admin)
