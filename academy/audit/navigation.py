"""The audit log's link in the main menu."""
from __future__ import annotations

from academy.audit import policy
from academy.i18n import lazy_gettext as _l
from academy.navigation import Link

AUDIT_LOG = Link(_l("Audit log"), "audit.index", policy.can_read_log)
