"""A trainee's answers to a Cloze question: read from the form, shown again, graded as Moodle
grades a multianswer question (each gap like its kind; the question's fraction is the gaps'
fractions weighted by their marks).

A response is a list, one entry per gap: the text typed (shortanswer, numerical), the stored index
of the choice (multichoice), the sorted stored indices ticked (multiresponse), or None if blank.
Form fields are named `q<position>-<gap index>`; choices are numbered in the order shown.
"""
from __future__ import annotations

from academy.i18n import lazy_gettext as _l
from academy.quizzes import grading
from academy.quizzes.responses import NUMBER_MAX, SHORT_ANSWER_MAX, AnswerRejected, field_name


def _gap_spec(shape: dict) -> dict:
    return {"answers": shape.get("answers", []), "case_sensitive": shape.get("case_sensitive")}


def gap_fraction(shape: dict, words: dict, given) -> float:
    """The fraction one gap earns (0..1)."""
    kind, spec = shape.get("kind"), _gap_spec(shape)
    if kind == "shortanswer":
        return grading.grade_shortanswer(spec, words, given if isinstance(given, str) else None)
    if kind == "numerical":
        return grading.grade_numerical(spec, given if isinstance(given, str) else None)
    if kind == "multichoice":
        return grading.grade_single(spec, given if isinstance(given, int) else None)
    if kind == "multiresponse":
        return grading.grade_multiple(spec, given if isinstance(given, list) else None)
    return 0.0


def gap_fractions(spec: dict, content: dict, response) -> list[float]:
    gaps, words = spec.get("gaps", []), content.get("gaps", [])
    response = response if isinstance(response, list) else []
    return [gap_fraction(shape, words[i] if i < len(words) else {},
                         response[i] if i < len(response) else None)
            for i, shape in enumerate(gaps)]


def grade(spec: dict, content: dict, response) -> float:
    """sum(weight x gap fraction) / sum(weights), as Moodle's multianswer."""
    weights = [max(0, int(g.get("weight", 1))) for g in spec.get("gaps", [])]
    if not sum(weights):
        return 0.0
    fractions = gap_fractions(spec, content, response)
    return sum(w * f for w, f in zip(weights, fractions, strict=True)) / sum(weights)


def _chosen(raw: str, order: list) -> int:
    if not raw.isdigit() or int(raw) >= len(order):
        raise AnswerRejected(_l("This choice is not one of the question’s choices."))
    return order[int(raw)]


def _typed(raw: str, limit: int) -> str | None:
    if len(raw) > limit:
        raise AnswerRejected(_l("This answer is too long (at most %(n)d characters).", n=limit))
    return raw.strip() or None


def read(spec: dict, order: list, form, position: int) -> list:
    """The stored response from the submitted form. Raises AnswerRejected."""
    found = []
    for index, shape in enumerate(spec.get("gaps", [])):
        name, kind = field_name(position, index), shape.get("kind")
        shown = order[index] if index < len(order) and isinstance(order[index], list) else []
        if kind == "multiresponse":
            ticked = sorted({_chosen(v, shown) for v in form.getlist(name) if v})
            found.append(ticked or None)
            continue
        raw = (form.get(name) or "").replace("\r\n", "\n")
        if kind == "multichoice":
            found.append(_chosen(raw, shown) if raw else None)
        elif kind == "numerical":
            value = _typed(raw, NUMBER_MAX)
            if value is not None and grading.parse_number(value) is None:
                raise AnswerRejected(_l("Write a number, for example 12.5."))
            found.append(value)
        else:
            found.append(_typed(raw, SHORT_ANSWER_MAX))
    return found


def shown_values(spec: dict, order: list, response) -> list:
    """Per gap, the form value that shows a stored response again (a set for multiresponse)."""
    response = response if isinstance(response, list) else []
    values = []
    for index, shape in enumerate(spec.get("gaps", [])):
        given = response[index] if index < len(response) else None
        shown = order[index] if index < len(order) and isinstance(order[index], list) else []
        if shape.get("kind") == "multiresponse":
            values.append({str(shown.index(i)) for i in given or [] if i in shown})
        elif shape.get("kind") == "multichoice":
            values.append(str(shown.index(given)) if given in shown else None)
        else:
            values.append(given if isinstance(given, str) else None)
    return values


def typed(spec: dict, order: list, form, position: int) -> list:
    """A refused answer as the trainee typed it, to show it again: every text as sent (cut to
    length), the choices that are real choices."""
    found = []
    for index, shape in enumerate(spec.get("gaps", [])):
        name = field_name(position, index)
        shown = order[index] if index < len(order) and isinstance(order[index], list) else []
        real = [shown[int(v)] for v in form.getlist(name) if v.isdigit() and int(v) < len(shown)]
        if shape.get("kind") == "multiresponse":
            found.append(sorted(set(real)) or None)
        elif shape.get("kind") == "multichoice":
            found.append(real[0] if real else None)
        else:
            found.append((form.get(name) or "")[:SHORT_ANSWER_MAX] or None)
    return found
