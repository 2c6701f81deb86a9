"""A Cloze question as the page shows it: its sanitised text cut at the `{#n}` placeholders, with
one control per gap in between (a text box, a list, radio buttons or checkboxes), and in a review,
per gap, the mark, the right answer and the chosen answer's feedback as the review options allow.

The controls are never built into the HTML here: the page's template draws them between the
pieces of text (`quizzes/_cloze.html`), so the authors' words are sanitised like any question's
text and the trainees' answers are escaped like any value.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup

from academy.curricula.rendering import render_question_text
from academy.quizzes import cloze_answers
from academy.quizzes.display import Choice, ShownQuestion

_TAG_OR_PLACE = re.compile(r"(<[^>]*>)|\{#(\d+)\}")


@dataclass
class ShownGap:
    index: int  # 0-based; the label says index + 1
    kind: str
    layout: str
    value: str | set | None = None  # as the form sends it back
    options: list[Choice] = field(default_factory=list)  # choice kinds, in the order shown
    order: list[int] = field(default_factory=list)  # the stored index of each option shown
    size: int = 10  # width of a text box, in characters
    fraction: float | None = None  # only in a review that shows marks
    right_answer: str = ""  # only in a review that shows right answers
    feedback: Markup | None = None  # only in a review that shows feedback


@dataclass
class ClozeShown(ShownQuestion):
    pieces: list = field(default_factory=list)  # Markup (text) and ShownGap (a control), in order
    gaps: list[ShownGap] = field(default_factory=list)


def _plain(html: Markup) -> str:
    return str(Markup(html).striptags())


def _options(shape: dict, words: dict, order: list, value, base) -> list[Choice]:
    chosen = value if isinstance(value, set) else {value}
    answers = words.get("answers", [])
    return [Choice(str(shown), render_question_text(answers[i].get("text", ""), "html", base),
                   is_chosen=str(shown) in chosen)
            for shown, i in enumerate(order) if i < len(answers)]


def _pieces(text: Markup, gaps: list[ShownGap]) -> list:
    """The sanitised text cut at each gap's first placeholder (none inside a tag)."""
    pieces, position, placed = [], 0, set()
    for match in _TAG_OR_PLACE.finditer(str(text)):
        number = int(match.group(2)) if match.group(2) else 0
        if not 1 <= number <= len(gaps) or number in placed:
            continue
        pieces += [Markup(str(text)[position:match.start()]), gaps[number - 1]]
        placed.add(number)
        position = match.end()
    pieces.append(Markup(str(text)[position:]))
    pieces += [gap for gap in gaps if gap.index + 1 not in placed]  # never lose a gap
    return pieces


def show(shown: ShownQuestion, slot, content: dict, base: str | None, response) -> ClozeShown:
    """The question with a control per gap, showing `response` (or the saved answer)."""
    spec = slot.version.spec
    response = response if isinstance(response, list) else slot.response
    values = cloze_answers.shown_values(spec, slot.choice_order or [], response)
    words = content.get("gaps", [])
    gaps = []
    for index, shape in enumerate(spec.get("gaps", [])):
        gap = ShownGap(index, shape.get("kind", "shortanswer"), shape.get("layout", "dropdown"),
                       values[index])
        said = words[index] if index < len(words) else {}
        if gap.kind in ("multichoice", "multiresponse"):
            order = slot.choice_order[index] if index < len(slot.choice_order or []) else []
            gap.order, gap.options = list(order), _options(shape, said, order, gap.value, base)
        else:
            longest = max((len(a.get("text", "")) for a in said.get("answers", [])), default=0)
            gap.size = max(6, min(40, longest + 2))
        gaps.append(gap)
    fields = {name: getattr(shown, name) for name in ShownQuestion.__dataclass_fields__}
    return ClozeShown(**fields, pieces=_pieces(shown.text, gaps), gaps=gaps)


def add_review(shown: ClozeShown, slot, content: dict, review, base: str | None) -> None:
    """Per gap: its mark, its right answer and the chosen answer's feedback, as allowed."""
    spec, words = slot.version.spec, content.get("gaps", [])
    response = slot.response if isinstance(slot.response, list) else []
    for gap, shape in zip(shown.gaps, spec.get("gaps", []), strict=True):
        said = words[gap.index] if gap.index < len(words) else {}
        given = response[gap.index] if gap.index < len(response) else None
        if review.score:
            gap.fraction = cloze_answers.gap_fraction(shape, said, given)
        if review.answers:
            _mark_right(gap, shape, said)
        if review.feedback:
            text = _feedback(shape, said, given)
            gap.feedback = render_question_text(text, "html", base) if text else None


def _mark_right(gap: ShownGap, shape: dict, words: dict) -> None:
    fractions = [float(a.get("fraction", 0)) for a in shape.get("answers", [])]
    answers = words.get("answers", [])
    if gap.kind == "multiresponse":
        right = {i for i, f in enumerate(fractions) if f > 0}
    else:
        right = {i for i, f in enumerate(fractions) if f >= 1}
    if gap.kind in ("multichoice", "multiresponse"):
        for option in gap.options:
            option.is_right = gap.order[int(option.value)] in right
        names = [_plain(option.text) for option in gap.options if option.is_right]
    elif gap.kind == "numerical":
        names = [_number_text(shape["answers"][i]) for i in sorted(right)]
    else:
        names = [answers[i].get("text", "") for i in sorted(right) if i < len(answers)]
    gap.right_answer = " · ".join(names)


def _number_text(shape: dict) -> str:
    value, tolerance = shape.get("value") or 0, shape.get("tolerance") or 0
    return f"{value:g} ± {tolerance:g}" if tolerance else f"{value:g}"


def _feedback(shape: dict, words: dict, given) -> str:
    """The feedback of the answer chosen, or of the best accepted answer the text matches."""
    answers, kind = words.get("answers", []), shape.get("kind")
    if given is None:
        return ""
    if kind == "multichoice" and isinstance(given, int) and given < len(answers):
        return answers[given].get("feedback", "")
    if kind == "multiresponse" and isinstance(given, list):
        return " ".join(answers[i].get("feedback", "") for i in given if i < len(answers)).strip()
    best, found = -1.0, ""
    for index, answer in enumerate(shape.get("answers", [])):
        one = {"kind": kind, "case_sensitive": shape.get("case_sensitive"),
               "answers": [{**answer, "fraction": 1.0}]}
        said = {"answers": [answers[index]] if index < len(answers) else []}
        if cloze_answers.gap_fraction(one, said, given) and float(answer.get("fraction", 0)) > best:
            best, found = float(answer.get("fraction", 0)), said["answers"][0].get("feedback", "") \
                if said["answers"] else ""
    return found
