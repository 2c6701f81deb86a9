"""A question of an attempt as the page shows it: words, choices, the trainee's answer and,
only when the review options allow it, the marks, feedback and right answers.

Nothing here is sent to the browser unless the caller asked for it: an answering page builds
questions without a `Review`, so no fraction, right answer or feedback is even computed.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from markupsafe import Markup

from academy.curricula.rendering import render_question_text
from academy.quizzes import gapselect, gapselect_display, grading, responses
from academy.quizzes.models import AttemptSlot, QuestionVersion


@dataclass
class Choice:
    value: str
    text: Markup
    is_chosen: bool = False
    is_right: bool | None = None  # only in a review that shows right answers
    feedback: Markup | None = None  # only in a review that shows feedback


@dataclass
class ShownQuestion:
    position: int
    qtype: str
    text: Markup
    lang: str
    choices: list[Choice] = field(default_factory=list)
    items: list[tuple[Markup, str | None]] = field(default_factory=list)  # matching
    value: str | None = None  # a text answer, or "true"/"false"
    is_answered: bool = False
    error: str | None = None
    fraction: float | None = None
    feedback: list[Markup] = field(default_factory=list)
    right_answer: list[str] = field(default_factory=list)
    comment: str = ""
    mark: float = 1.0  # what the question is worth in the attempt's grade
    number: int = 0  # as trainees read it: descriptions between questions are not counted
    flagged: bool = False


def _html(text: str, fmt: str, files_base: str | None) -> Markup:
    return render_question_text(text, fmt, files_base)


def _choices(version: QuestionVersion, content: dict, order: list, response, base) -> list[Choice]:
    chosen = responses.shown_value(version.qtype, order, response) or set()
    chosen = {chosen} if isinstance(chosen, str) else chosen
    answers = content.get("answers", [])
    return [Choice(str(shown), _html(answers[i].get("text", ""), "html", base),
                   is_chosen=str(shown) in chosen) for shown, i in enumerate(order)
            if i < len(answers)]


def _matching(content: dict, order: list, response, base, shown: ShownQuestion) -> None:
    pairs = content.get("answers", [])
    seen, options = set(), []
    for position, i in enumerate(order):
        match = pairs[i].get("match", "") if i < len(pairs) else ""
        if match not in seen:  # two items with the same match offer it once
            seen.add(match)
            options.append(Choice(str(position), Markup.escape(match)))
    shown.choices = options
    for item, pair in enumerate(pairs):
        value = responses.shown_value("matching", order, response, item)
        if value is not None:  # point at the option shown for that match text
            match = pairs[order[int(value)]].get("match", "")
            value = next(c.value for c in options if str(c.text) == str(Markup.escape(match)))
        shown.items.append((_html(pair.get("text", ""), "html", base), value))


def show(slot: AttemptSlot, content: dict, lang: str, base: str | None,
         response=None) -> ShownQuestion:
    """The question as answered so far (`response`: a rejected form value to show again)."""
    version = slot.version
    response = slot.response if response is None else response
    shown = ShownQuestion(slot.position, version.qtype,
                          _html(content.get("text", ""), content.get("format", "moodle"), base),
                          lang, is_answered=responses.is_answered(slot.response),
                          mark=1.0 if slot.mark is None else slot.mark,
                          flagged=bool(slot.flagged))
    if version.qtype == "cloze":
        from academy.quizzes import cloze_display  # it builds on this module
        return cloze_display.show(shown, slot, content, base, response)
    if version.qtype in ("single", "multiple"):
        shown.choices = _choices(version, content, slot.choice_order, response, base)
    elif version.qtype == "matching":
        _matching(content, slot.choice_order, response, base, shown)
    elif version.qtype == gapselect.QTYPE:
        given = response if isinstance(response, list) else slot.response  # a refused page
        shown.text = gapselect_display.render(shown.text, version.spec, content,
                                              slot.choice_order, given, slot.position)
    else:
        shown.value = responses.shown_value(version.qtype, slot.choice_order, response)
    return shown


def add_review(shown: ShownQuestion, slot: AttemptSlot, content: dict, review,
               base: str | None) -> None:
    """Marks, feedback and right answers, each as far as the review options allow."""
    version = slot.version
    if review.score:
        shown.fraction, shown.comment = slot.fraction, slot.comment
    if review.feedback:
        shown.feedback = [_html(text, "html", base) for text in _feedback(version, content, slot)
                          if text]
    if review.answers:
        _mark_right(shown, version, content, slot.choice_order)
    if version.qtype == gapselect.QTYPE:  # read-only drop-downs, ✓/✗ when marks are shown
        shown.text = gapselect_display.render(
            _html(content.get("text", ""), content.get("format", "moodle"), base), version.spec,
            content, slot.choice_order, slot.response, slot.position, disabled=True,
            marks=review.score)
    if version.qtype == "cloze":
        from academy.quizzes import cloze_display
        cloze_display.add_review(shown, slot, content, review, base)


def _feedback(version: QuestionVersion, content: dict, slot: AttemptSlot) -> list[str]:
    answers, response = content.get("answers", []), slot.response
    found: list[str] = []
    if version.qtype == "single" and isinstance(response, int) and response < len(answers):
        found.append(answers[response].get("feedback", ""))
    elif version.qtype == "multiple" and isinstance(response, list):
        found += [answers[i].get("feedback", "") for i in response if i < len(answers)]
    elif version.qtype == "truefalse" and response is not None:
        found.append(content.get("feedback_true" if response else "feedback_false", ""))
    elif version.qtype in ("shortanswer", "numerical") and response:
        found += _matched_feedback(version, content, response)
    elif version.qtype == gapselect.QTYPE and responses.is_answered(response):
        found.append(gapselect.combined_feedback(content, slot.fraction))
    found.append(content.get("general_feedback", ""))
    return found


def _matched_feedback(version: QuestionVersion, content: dict, response: str) -> list[str]:
    """The feedback of the best accepted answer the response matches."""
    best, words = 0.0, ""
    for shape, text in zip(version.spec.get("answers", []), content.get("answers", []),
                           strict=False):
        one = {**version.spec, "answers": [{**shape, "fraction": 1.0}]}
        single = {"answers": [text]}
        if grading.grade(version.qtype, one, single, response) and \
                float(shape.get("fraction", 0)) >= best:
            best, words = float(shape.get("fraction", 0)), text.get("feedback", "")
    return [words]


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _mark_right(shown: ShownQuestion, version: QuestionVersion, content: dict, order: list):
    answers, spec = content.get("answers", []), version.spec.get("answers", [])
    if version.qtype in ("single", "multiple"):
        best = max((float(a.get("fraction", 0)) for a in spec), default=0)
        for choice, i in zip(shown.choices, order, strict=False):
            weight = float(spec[i].get("fraction", 0))
            choice.is_right = weight > 0 if version.qtype == "multiple" else weight == best
    elif version.qtype == "truefalse":
        shown.right_answer = [_("True") if version.spec.get("correct") else _("False")]
    elif version.qtype == "shortanswer":
        shown.right_answer = [a.get("text", "") for a, s in zip(answers, spec, strict=False)
                              if float(s.get("fraction", 0)) >= 1]
    elif version.qtype == "numerical":
        shown.right_answer = [_numerical_text(s) for s in spec if float(s.get("fraction", 0)) >= 1]
    elif version.qtype == gapselect.QTYPE:
        shown.right_answer = [gapselect_display.right_answer(content)]
    elif version.qtype == "matching":
        shown.right_answer = [f"{_plain(a.get('text', ''))} → {a.get('match', '')}"
                              for a in answers]


def _numerical_text(shape: dict) -> str:
    if shape.get("minimum") is not None:
        return _("from %(low)s to %(high)s", low=_number(shape["minimum"]),
                 high=_number(shape["maximum"]))
    if shape.get("tolerance"):
        return f"{_number(shape.get('value', 0))} ± {_number(shape['tolerance'])}"
    return _number(shape.get("value", 0))


def _plain(text: str) -> str:
    return str(Markup(text).striptags())


def question_numbers(slots) -> dict[int, int]:
    """The number trainees read for each question, by position: descriptions take none."""
    numbers, count = {}, 0
    for slot in slots:
        if slot.version.qtype != "description":
            count += 1
            numbers[slot.position] = count
    return numbers


@dataclass(frozen=True)
class PanelEntry:
    """One button of the quiz navigation: a question's number, page and state."""

    position: int
    number: int
    page: int
    is_answered: bool
    flagged: bool


def panel(slots) -> list[PanelEntry]:
    """Every question of the attempt, in order, for the navigation panel (descriptions take no
    button: there is nothing to answer)."""
    numbers = question_numbers(slots)
    return [PanelEntry(slot.position, numbers[slot.position], slot.page,
                       responses.is_answered(slot.response), bool(slot.flagged))
            for slot in slots if slot.position in numbers]
