"""What a trainee's form says for each question, checked and turned into a stored response.

On screen, choices are numbered in the order the attempt showed them (`AttemptSlot.choice_order`),
never by their stored index: GIFT authors often write the right answer first, and a stored index
in the page would give it away. Stored responses use stored indices, so grading never depends on
the shuffle:

single: int · multiple: sorted list of ints · truefalse: bool · shortanswer, numerical, essay: str ·
matching: a list, per item, of the index of the pair whose match was chosen (or None) ·
gapselect: a list, per place, of the chosen choice's index (or None).
"""
from __future__ import annotations

import re

from academy.domain_errors import DomainError
from academy.i18n import lazy_gettext as _l
from academy.quizzes.grading import parse_number

SHORT_ANSWER_MAX, NUMBER_MAX, ESSAY_MAX = 500, 50, 20_000
FIELD_RE = re.compile(r"^q(\d+)(?:-(\d+))?$")


class AnswerRejected(DomainError):
    """An answer that cannot be stored (a tampered value, a wrong number, a text too long)."""


def field_name(position: int, item: int | None = None) -> str:
    return f"q{position}" if item is None else f"q{position}-{item}"


def positions_named(form) -> set[int]:
    """The question positions the form's answer fields refer to."""
    return {int(m.group(1)) for m in map(FIELD_RE.match, form.keys()) if m}


def _shown_index(raw: str, order: list) -> int:
    if not raw.isdigit() or int(raw) >= len(order):
        raise AnswerRejected(_l("This choice is not one of the question’s choices."))
    return order[int(raw)]


def _text(raw: str, limit: int) -> str | None:
    if len(raw) > limit:
        raise AnswerRejected(_l("This answer is too long (at most %(n)d characters).", n=limit))
    return raw.strip() or None


def read(qtype: str, order: list, items, form, position: int, spec: dict | None = None):
    """The stored response for one question from the submitted form (`items`: a matching
    question's number of items; for gapselect, per place the choices it offers, see
    `gapselect.allowed`; `spec`: the question's structure, which a cloze question needs).
    Raises AnswerRejected."""
    name = field_name(position)
    if qtype == "description":
        return None
    if qtype == "cloze":
        from academy.quizzes import cloze_answers  # it builds on this module
        return cloze_answers.read(spec or {}, order, form, position)
    raw = (form.get(name) or "").replace("\r\n", "\n")
    if qtype == "single":
        return _shown_index(raw, order) if raw else None
    if qtype == "multiple":
        return sorted({_shown_index(value, order) for value in form.getlist(name) if value})
    if qtype == "truefalse":
        return _truefalse(raw)
    if qtype == "matching":
        return _matching(order, items, form, position)
    if qtype == "gapselect":
        return [_place(form.get(field_name(position, i)) or "", order, offered)
                for i, offered in enumerate(items)]
    if qtype == "numerical":
        return _numerical(raw)
    return _text(raw, ESSAY_MAX if qtype == "essay" else SHORT_ANSWER_MAX)


def _truefalse(raw: str) -> bool | None:
    if raw not in ("", "true", "false"):
        raise AnswerRejected(_l("Answer true or false."))
    return None if not raw else raw == "true"


def _matching(order: list, items: int, form, position: int) -> list[int | None]:
    """Per item, the pair whose match was chosen (None when none was)."""
    return [_shown_index(v, order) if (v := form.get(field_name(position, i)) or "") else None
            for i in range(items)]


def _numerical(raw: str) -> str | None:
    value = _text(raw, NUMBER_MAX)
    if value is not None and parse_number(value) is None:
        raise AnswerRejected(_l("Write a number, for example 12.5."))
    return value


def _place(raw: str, order: list, offered: set[int]) -> int | None:
    """A place's chosen choice; one its drop-down does not offer is refused."""
    if not raw:
        return None
    chosen = _shown_index(raw, order)
    if chosen not in offered:
        raise AnswerRejected(_l("This choice is not one of the question’s choices."))
    return chosen


def is_answered(response) -> bool:
    if isinstance(response, list):
        return any(value is not None for value in response)
    return response is not None


def shown_value(qtype: str, order: list, response, item: int | None = None):
    """The form value that shows a stored response again (the inverse of `read`)."""
    if response is None:
        return None
    if qtype == "single":
        return str(order.index(response)) if response in order else None
    if qtype == "multiple":
        return {str(order.index(i)) for i in response if i in order}
    if qtype == "truefalse":
        return "true" if response else "false"
    if qtype == "matching":
        chosen = response[item] if item is not None and item < len(response) else None
        return str(order.index(chosen)) if chosen in order else None
    return response
