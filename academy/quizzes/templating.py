"""What the quizzes give every template: the names of grading methods and question types."""
from __future__ import annotations

from academy.quizzes.labels import GRADING_METHOD_LABELS, QTYPE_LABELS

TEMPLATE_CONTEXT = {
    "grading_method_label": lambda method: GRADING_METHOD_LABELS.get(method, method),
    "qtype_label": lambda qtype: QTYPE_LABELS.get(qtype, qtype),
}
