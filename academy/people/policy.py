"""Who may see and manage the people of an academy, and the network's own staff."""
from __future__ import annotations


def can_manage_people(user, academy) -> bool:
    """Academy admins manage their academy's people; site admins manage everyone's."""
    if not user.is_authenticated or academy is None:
        return False
    return user.is_site_admin or academy.id in user.admin_academy_ids


def can_manage_person(user, person) -> bool:
    """Whether the user may edit this person, reset their password or deactivate them."""
    if not user.is_authenticated or person is None:
        return False
    if user.is_site_admin:
        return True
    # Network staff (coordinators, site admins) are the site admin's to manage.
    if person.network_roles or person.academy_id is None:
        return False
    return person.academy_id in user.admin_academy_ids


def can_deactivate_person(user, person) -> bool:
    """No one deactivates themselves (that would lock the last admin out)."""
    return can_manage_person(user, person) and person.id != user.id


def can_manage_network_staff(user) -> bool:
    """Creating coordinators and site admins is the site admin's."""
    return bool(user.is_authenticated and user.is_site_admin)
