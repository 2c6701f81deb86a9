"""Who may do what with accounts."""
from __future__ import annotations


def can_change_own_password(user) -> bool:
    """Anyone signed in and active changes their own password."""
    return bool(user.is_authenticated and user.is_active)


def can_edit_own_profile(user) -> bool:
    """Anyone signed in edits their own name, e-mail and language."""
    return bool(user.is_authenticated and user.is_active)
