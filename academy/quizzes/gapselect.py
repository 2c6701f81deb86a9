"""Select missing words (Moodle's qtype_gapselect): a text with places `[[n]]`, each a drop-down
of the choices of choice n's group; choice n is the right answer of the place.

Stored as the shared contract says: `content["text"]` holds the places, `content["answers"]` the
choices' words (`[{"text"}]`), `spec["answers"]` their groups (`[{"group": g}]`, the same in
every language) and `spec["shuffle"]`. Places are counted in the order they appear in a language's
text; every language has the same places (the same numbers, in any order). A choice may be the
right answer of several places. The combined feedback (right, partly right, wrong) is kept as
`content["correct_feedback"]`, `["partial_feedback"]` and `["incorrect_feedback"]`.

The checks mirror Moodle's own (qtype_gapselect_edit_form_base::validation): at least one place,
every place names an existing choice, no blank choice in the middle, groups 1..20; and, so that a
place never offers a single answer, every group a place uses holds at least two choices, and no
place hides inside an HTML tag (where no drop-down can go).
"""
from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from academy.i18n import lazy_gettext as _l

if TYPE_CHECKING:
    from academy.quizzes.gift import GiftQuestion

QTYPE = "gapselect"
PLACE = re.compile(r"\[\[(\d+)\]\]")
MAX_GROUPS = 20
FEEDBACKS = ("correct_feedback", "partial_feedback", "incorrect_feedback")


def places(text: str | None) -> list[int]:
    """The choice numbers (1-based) of the text's places, in the order they appear."""
    return [int(match.group(1)) for match in PLACE.finditer(text or "")]


def places_text(numbers: list[int]) -> str:
    """Places as an author writes them, sorted: `[[1]] [[2]] [[2]]`."""
    return " ".join(f"[[{n}]]" for n in sorted(numbers))


def groups_of(spec: dict) -> list[int]:
    """The group of each choice, by stored index."""
    return [_group(shape) for shape in spec.get("answers", [])]


def _group(shape: dict) -> int:
    group = shape.get("group", 1)
    return group if isinstance(group, int) and not isinstance(group, bool) else 1


# --- Checks ------------------------------------------------------------------------------------

def problems(question: GiftQuestion) -> list[tuple[str, str]]:
    """Every rule the question breaks, as (field, message): field "text" or "answers"."""
    found: list[tuple[str, str]] = []
    numbers, answers = places(question.text), question.answers
    if not numbers:
        found.append(("text", _l("Write at least one place such as [[1]] in the text, where a "
                                 "missing word goes.")))
    for n in sorted(set(numbers)):
        if not 1 <= n <= len(answers):
            found.append(("text", _l("The text has the place [[%(n)d]], but there is no "
                                     "choice %(n)d.", n=n)))
    if question.text_format in ("html", "moodle") and \
            places(re.sub(r"<[^>]*>", " ", question.text)) != numbers:
        found.append(("text", _l("A place such as [[1]] is inside an HTML tag: write it in the "
                                 "text itself.")))
    for index, answer in enumerate(answers, start=1):
        if not answer.text.strip():
            found.append(("answers", _l("Choice %(n)d is empty.", n=index)))
        if not 1 <= answer.group <= MAX_GROUPS:
            found.append(("answers", _l("Choice %(n)d: give a group from 1 to %(max)d.",
                                        n=index, max=MAX_GROUPS)))
    sizes = Counter(answer.group for answer in answers)
    used = sorted({answers[n - 1].group for n in numbers if 1 <= n <= len(answers)})
    for group in used:
        if sizes[group] < 2:
            found.append(("answers", _l("Group %(group)d has only one choice: a place needs at "
                                        "least two to choose from.", group=group)))
    return found


def translation_problem(default_text: str, text: str) -> str | None:
    """Why a translation's text cannot go with the default language's (other places), or None."""
    expected = places(default_text)
    if Counter(places(text)) == Counter(expected):
        return None
    return _l("The text must have the same places as in the course's default language: "
              "%(places)s.", places=places_text(expected))


def structure(question: GiftQuestion) -> tuple:
    """What every translation shares: the groups, the shuffle and the places (in any order)."""
    return (tuple(answer.group for answer in question.answers), question.shuffle,
            tuple(sorted(places(question.text))))


# --- Stored form -------------------------------------------------------------------------------

def spec_of(question: GiftQuestion) -> dict:
    return {"answers": [{"group": answer.group} for answer in question.answers],
            "shuffle": bool(question.shuffle)}


def content_of(question: GiftQuestion) -> dict:
    return {"answers": [{"text": answer.text} for answer in question.answers],
            **{name: getattr(question, name) for name in FEEDBACKS}}


def fill(question: GiftQuestion, spec: dict, content: dict) -> None:
    """Give a GIFT-shaped question its stored groups, shuffle and combined feedback."""
    question.shuffle = bool(spec.get("shuffle"))
    for name in FEEDBACKS:
        setattr(question, name, content.get(name, ""))
    for answer, group in zip(question.answers, groups_of(spec), strict=False):
        answer.group = group


# --- Answering and grading ---------------------------------------------------------------------

def allowed(spec: dict, content: dict) -> list[set[int]]:
    """Per place (in the order of the text), the stored choices its drop-down offers."""
    groups = groups_of(spec)
    return [{i for i, group in enumerate(groups) if group == groups[n - 1]}
            if 1 <= n <= len(groups) else set() for n in places(content.get("text"))]


def grade(content: dict, response) -> float:
    """Right places / places (Moodle's gapselect): a place is right when its own choice is
    chosen."""
    rights = places(content.get("text"))
    if not rights:
        return 0.0
    response = response if isinstance(response, list) else []
    right = sum(1 for i, n in enumerate(rights)
                if i < len(response) and response[i] == n - 1)
    return right / len(rights)


def combined_feedback(content: dict, fraction: float | None) -> str:
    """The feedback for a right, partly right or wrong answer."""
    if fraction is None:
        return ""
    if fraction >= 0.9999:
        return content.get("correct_feedback", "")
    return content.get("partial_feedback" if fraction > 0 else "incorrect_feedback", "")
