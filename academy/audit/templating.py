"""What the audit log gives every template: the names of its actions."""
from __future__ import annotations

from academy.audit.labels import AUDIT_ACTION_LABELS

TEMPLATE_CONTEXT = {
    "audit_action_label": lambda action: AUDIT_ACTION_LABELS.get(action, action),
}
