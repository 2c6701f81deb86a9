"""What the enrolment domain gives every template: the names of an enrolment's states."""
from __future__ import annotations

from academy.enrolment.labels import ENROLMENT_STATUS_LABELS

TEMPLATE_CONTEXT = {
    "enrolment_status_label": lambda status: ENROLMENT_STATUS_LABELS.get(status, status),
}
