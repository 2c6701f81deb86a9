"""Who may see and change academies."""
from __future__ import annotations


def can_manage_academies(user) -> bool:
    """Creating and editing academies is the site admin's."""
    return bool(user.is_authenticated and user.is_site_admin)
