"""A select-missing-words question on the page: a drop-down at each place of the text.

The author's text is sanitised first (render_question_text); the drop-downs are put in its text
parts afterwards, at the `[[n]]` places, never inside a tag, and built with Markup.format, so
every choice's words are escaped. Plain form controls: the page works without JavaScript.
Option values are the choices' positions in the attempt's order (`choice_order`), as for the other
choice questions, so the page never gives away a stored index.
"""
from __future__ import annotations

import re

from flask_babel import gettext as _
from markupsafe import Markup

from academy.quizzes import gapselect, responses

_TAG = re.compile(r"(<[^>]*>)")


def _option(value: str, text: str, chosen: str | None) -> Markup:
    selected = Markup(" selected") if value == chosen else ""
    return Markup('<option value="{}"{}>{}</option>').format(value, selected, text)


def _select(name: str, number: int, options: list[tuple[str, str]], chosen: str | None,
            disabled: bool) -> Markup:
    body = Markup("").join([_option("", "", chosen),
                            *(_option(value, text, chosen) for value, text in options)])
    return Markup('<select name="{}" id="{}" class="gap" aria-label="{}"{}>{}</select>').format(
        name, name, _("Gap %(n)d", n=number), Markup(" disabled") if disabled else "", body)


def _verdict(is_right: bool) -> Markup:
    if is_right:
        return Markup(' <span class="verdict right">✓<span class="visually-hidden"> {}</span>'
                      '</span>').format(_("right"))
    return Markup(' <span class="verdict wrong">✗<span class="visually-hidden"> {}</span>'
                  '</span>').format(_("wrong"))


def render(text: Markup, spec: dict, content: dict, order: list, response, position: int, *,
           disabled: bool = False, marks: bool = False) -> Markup:
    """The sanitised text with a drop-down at each place (with ✓/✗ after it when `marks`)."""
    words = [answer.get("text", "") for answer in content.get("answers", [])]
    offered = gapselect.allowed(spec, content)
    rights = gapselect.places(content.get("text"))
    response = response if isinstance(response, list) else []
    pending = list(enumerate(rights))  # the source's places not met yet, in order

    def place(match: re.Match) -> str:
        # The sanitiser may have dropped a place (in a removed element): each place met is the
        # first one not met yet with its number, so the others keep their own.
        index = next((i for i, n in pending if n == int(match.group(1))), None)
        if index is None:
            return match.group(0)
        pending.remove((index, rights[index]))
        chosen = response[index] if index < len(response) else None
        options = [(str(shown), words[i] if i < len(words) else "")
                   for shown, i in enumerate(order) if i in offered[index]]
        value = str(order.index(chosen)) if chosen in order else None
        control = _select(responses.field_name(position, index), index + 1, options, value,
                          disabled)
        return str(control + _verdict(chosen == rights[index] - 1)) if marks else str(control)

    parts = _TAG.split(str(text))
    return Markup("".join(part if part.startswith("<") else gapselect.PLACE.sub(place, part)
                          for part in parts))


def right_answer(content: dict) -> str:
    """The text with each place's right choice in brackets, as plain words: Moodle's
    "The correct answer is: The [cat] sat on the [mat]"."""
    words = [answer.get("text", "") for answer in content.get("answers", [])]
    plain = str(Markup(content.get("text", "")).striptags())

    def right(match: re.Match) -> str:
        n = int(match.group(1))
        return f"[{words[n - 1]}]" if 1 <= n <= len(words) else match.group(0)

    return gapselect.PLACE.sub(right, plain)
