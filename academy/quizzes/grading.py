"""Automatic grading of one response, for every question type but essay (graded by hand).

A question is its structure (`spec`, the same in every language: fractions, numbers, the right
answer of a true/false) and its words in the language the trainee saw (`content`: the answers'
texts, the accepted short answers, the matching pairs). A response names choices by their index
in the stored order, so shuffling on screen never changes what is graded.

`grade` returns the fraction of the question's mark earned, from 0 to 1, or None when a person
must grade it (essay).
"""
from __future__ import annotations

import re
import unicodedata

from academy.quizzes import gapselect


def _fractions(spec: dict) -> list[float]:
    return [float(a.get("fraction", 0)) for a in spec.get("answers", [])]


def _clamp(value: float) -> float:
    return max(0.0, min(1.0, value))


def grade_single(spec: dict, response: int | None) -> float:
    """The chosen answer's fraction (a wrong one may carry partial credit)."""
    fractions = _fractions(spec)
    if not isinstance(response, int) or not 0 <= response < len(fractions):
        return 0.0
    return _clamp(fractions[response])


def grade_multiple(spec: dict, response: list[int] | None) -> float:
    """The sum of the chosen answers' weights (negative weights allowed), clamped to 0..1."""
    fractions = _fractions(spec)
    if not isinstance(response, (list, tuple, set)):
        return 0.0
    chosen = {i for i in response if isinstance(i, int) and 0 <= i < len(fractions)}
    return _clamp(sum(fractions[i] for i in chosen))


def grade_truefalse(spec: dict, response: bool | None) -> float:
    return 1.0 if response is not None and bool(response) == bool(spec.get("correct")) else 0.0


def _normal(text: str, case_sensitive: bool) -> str:
    # Moodle trims only the ends: "regla  44" (two spaces) is not "regla 44".
    text = unicodedata.normalize("NFC", (text or "").strip())
    return text if case_sensitive else text.casefold()


def _matches(accepted: str, given: str, case_sensitive: bool) -> bool:
    accepted, given = _normal(accepted, case_sensitive), _normal(given, case_sensitive)
    if "*" not in accepted:
        return accepted == given
    # `*` stands for any run of characters; nothing else in the answer is a pattern.
    pattern = "".join(".*" if part == "*" else re.escape(part)
                      for part in re.split(r"(\*)", accepted))
    return re.fullmatch(pattern, given, re.S) is not None


def grade_shortanswer(spec: dict, content: dict, response: str | None) -> float:
    """The best fraction among the accepted answers the text matches (case-insensitive unless
    the question says otherwise; `*` is a wildcard)."""
    if not response or not response.strip():
        return 0.0
    case_sensitive = bool(spec.get("case_sensitive"))
    best = 0.0
    # strict=False: the words may lack answers the structure has; those match nothing.
    for shape, words in zip(spec.get("answers", []), content.get("answers", []), strict=False):
        if _matches(words.get("text", ""), response, case_sensitive):
            best = max(best, float(shape.get("fraction", 0)))
    return _clamp(best)


def parse_number(text) -> float | None:
    """A number as a trainee may write it (3.5, 3,5, -2, 1e3), or None."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text)
    cleaned = str(text or "").strip().replace("\u00a0", "").replace(" ", "")
    if re.fullmatch(r"[-+]?\d+,\d+", cleaned):  # 3,14 where a comma is the decimal mark
        cleaned = cleaned.replace(",", ".")
    try:
        return float(cleaned)
    except ValueError:
        return None


def grade_numerical(spec: dict, response) -> float:
    """The best fraction among the answers the number falls in (value ± tolerance, or a range)."""
    value = parse_number(response)
    if value is None:
        return 0.0
    best = 0.0
    for shape in spec.get("answers", []):
        if shape.get("minimum") is not None:
            hit = shape["minimum"] <= value <= shape["maximum"]
        else:
            hit = abs(value - shape.get("value", 0)) <= abs(shape.get("tolerance", 0)) + 1e-9
        if hit:
            best = max(best, float(shape.get("fraction", 0)))
    return _clamp(best)


def grade_matching(content: dict, response: list[int | None] | None) -> float:
    """The share of items paired with their right match.

    The response names, per item, the pair whose match text was chosen; two pairs with the same
    match text are the same choice.
    """
    pairs = content.get("answers", [])
    if not pairs:
        return 0.0
    response = response if isinstance(response, list) else []
    right = 0
    for i, pair in enumerate(pairs):
        chosen = response[i] if i < len(response) else None
        if (isinstance(chosen, int) and 0 <= chosen < len(pairs)
                and _normal(pairs[chosen].get("match", ""), True)
                == _normal(pair.get("match", ""), True)):
            right += 1
    return right / len(pairs)


# The graders that need only the structure, and those that need only the words.
_BY_SPEC = {"single": grade_single, "multiple": grade_multiple, "truefalse": grade_truefalse,
            "numerical": grade_numerical}
_BY_CONTENT = {"matching": grade_matching, gapselect.QTYPE: gapselect.grade}


def grade(qtype: str, spec: dict, content: dict, response) -> float | None:
    """The fraction earned by a response (0..1), or None for an essay (graded by hand); a
    description asks nothing and earns nothing (it weighs nothing in the grade)."""
    if qtype == "essay":
        return None
    if qtype == "description":
        return 0.0
    if qtype in _BY_SPEC:
        return _BY_SPEC[qtype](spec, response)
    if qtype in _BY_CONTENT:
        return _BY_CONTENT[qtype](content, response)
    if qtype == "shortanswer":
        return grade_shortanswer(spec, content, response)
    if qtype == "cloze":
        from academy.quizzes import cloze_answers  # it builds on this module's functions
        return cloze_answers.grade(spec, content, response)
    raise ValueError(f"unknown question type {qtype!r}")
