"""What the accounts domain gives every template: the names of roles."""
from __future__ import annotations

from academy.accounts.roles import ROLE_LABELS

TEMPLATE_CONTEXT = {
    "role_label": lambda role: ROLE_LABELS.get(role, role),
}
