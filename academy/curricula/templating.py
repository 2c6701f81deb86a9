"""What the curricula domain gives every template: a text in the reader's language, and the
names of a course's states and reviews."""
from __future__ import annotations

from academy.curricula.labels import REVIEW_LABELS, STATUS_LABELS
from academy.curricula.models import best_text
from academy.i18n import current_locale

TEMPLATE_CONTEXT = {
    "localized": lambda texts, default: best_text(texts, current_locale(), default),
    "status_label": lambda status: STATUS_LABELS.get(status, status),
    "review_label": lambda review: REVIEW_LABELS.get(review, review),
}
