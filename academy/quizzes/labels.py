"""Translated labels of the quiz engine's stored values."""
from academy.i18n import lazy_gettext as _l
from academy.quizzes.settings import AFTER_CLOSE, AVERAGE, FIRST, HIGHEST, IMMEDIATELY, LAST, NEVER

GRADING_METHOD_LABELS = {
    HIGHEST: _l("Highest grade"), AVERAGE: _l("Average of the attempts"),
    FIRST: _l("First attempt"), LAST: _l("Last attempt"),
}
REVIEW_TIME_LABELS = {
    IMMEDIATELY: _l("As soon as the attempt is submitted"),
    AFTER_CLOSE: _l("After the quiz closes"), NEVER: _l("Never"),
}
QTYPE_LABELS = {
    "single": _l("Single choice"), "multiple": _l("Multiple choice"),
    "truefalse": _l("True/false"), "shortanswer": _l("Short answer"),
    "numerical": _l("Numerical"), "matching": _l("Matching"), "essay": _l("Essay"),
    "description": _l("Description (text, no answer)"),
    "gapselect": _l("Select missing words"),
    "cloze": _l("Embedded answers (Cloze)"),
}
