"""A reader for Moodle's GIFT question format.

Covers the whole format: `$CATEGORY:`, `::titles::`, `[html]`/`[markdown]`/`[plain]`/`[moodle]`
text formats, comments, escapes (\\~ \\= \\# \\{ \\} \\: \\n), general (`####`) and per-answer (`#`)
feedback, weights (`%50%`), single and multiple choice, true/false with feedback, short answer,
numerical (value, value:tolerance, min..max, several graded answers), matching, essay,
missing-word questions (text on both sides of the answers), and descriptions (text with no
answer block: information shown between questions). Problems carry their line number.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from academy.i18n import lazy_gettext as _l

ESCAPABLE = "~=#{}:"
_SENTINELS = {ch: chr(0xE000 + i) for i, ch in enumerate(ESCAPABLE)}
_RESTORE = {v: k for k, v in _SENTINELS.items()}
FORMATS = ("html", "markdown", "plain", "moodle")
DESCRIPTION = "description"  # not a question: text shown between questions, worth no marks


class GiftError(ValueError):
    """A GIFT text that cannot be read; `line` is where the question starts (1-based)."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason
        self.errors = [self]  # every problem of the text, in order (GiftErrors holds several)


class GiftErrors(GiftError):
    """Several problems of one GIFT text: `errors` lists them all, each with its line."""

    def __init__(self, errors: list[GiftError]) -> None:
        super().__init__(errors[0].line, errors[0].reason)
        self.errors = list(errors)

    def __str__(self) -> str:
        return "; ".join(f"line {error.line}: {error.reason}" for error in self.errors)


@dataclass
class Answer:
    text: str = ""
    fraction: float = 0.0
    feedback: str = ""
    value: float | None = None  # numerical
    tolerance: float = 0.0
    minimum: float | None = None
    maximum: float | None = None
    match: str = ""  # matching: the item this one pairs with
    group: int = 1  # gapselect: the choice's group (a place offers its right choice's group)


@dataclass
class Gap:
    """One embedded answer of a Cloze question (Moodle's multianswer), shown at `{#n}`."""

    kind: str  # shortanswer, numerical, multichoice, multiresponse
    weight: int = 1
    case_sensitive: bool = False
    layout: str = "dropdown"  # multichoice/multiresponse: dropdown, vertical, horizontal
    shuffle: bool = False
    answers: list[Answer] = field(default_factory=list)

    def structure(self) -> tuple:
        """What must be equal in every translation of this gap."""
        return (self.kind, self.weight, self.case_sensitive, self.layout, self.shuffle,
                tuple((round(a.fraction, 5), a.value, a.tolerance) for a in self.answers))


@dataclass
class GiftQuestion:
    line: int
    ident: str
    category: str
    qtype: str  # single, multiple, truefalse, shortanswer, numerical, matching, essay
    text: str
    text_format: str = "moodle"
    answers: list[Answer] = field(default_factory=list)
    general_feedback: str = ""
    correct: bool | None = None  # truefalse
    feedback_true: str = ""
    feedback_false: str = ""
    case_sensitive: bool = False  # shortanswer; GIFT cannot say it, Moodle XML's <usecase> can
    is_named_from_text: bool = False  # no ::title:: in the file: its id comes from its words
    grader_info: str = ""  # essay: notes for whoever grades it (Moodle XML's graderinfo)
    shuffle: bool = False  # gapselect: shuffle the choices (Moodle XML's <shuffleanswers>)
    # Moodle's combined feedback (for a right, partly right and wrong answer): gapselect
    correct_feedback: str = ""
    partial_feedback: str = ""
    incorrect_feedback: str = ""
    gaps: list[Gap] = field(default_factory=list)  # cloze: the embedded answers, in {#n} order

    def structure(self) -> tuple:
        """What must be equal in every translation: type, weights, numbers, right answer."""
        answers = tuple(
            (round(a.fraction, 5), a.value, a.tolerance, a.minimum, a.maximum)
            for a in self.answers
        )
        if self.qtype == "gapselect":
            from academy.quizzes import gapselect

            return (self.qtype, gapselect.structure(self))
        size = len(self.answers) if self.qtype in ("single", "multiple", "matching") else None
        shape = (self.qtype, self.correct, size,
                 answers if self.qtype in ("single", "multiple", "numerical") else None)
        return shape + (tuple(gap.structure() for gap in self.gaps),) if self.gaps else shape


def _protect(text: str) -> str:
    text = text.replace("\\\\", "\ue0ff")
    for ch, sentinel in _SENTINELS.items():
        text = text.replace("\\" + ch, sentinel)
    return text.replace("\\n", "\n")


def _restore(text: str) -> str:
    for sentinel, ch in _RESTORE.items():
        text = text.replace(sentinel, ch)
    return text.replace("\ue0ff", "\\").strip()


_CONTEXT = re.compile(r"\$\w+\$(?:/|$)")


def category_path(path: str) -> str:
    """A Moodle category path without its context and `top` root: `$course$/top/A/B` -> `A/B`."""
    path = _CONTEXT.sub("", path.strip(), count=1)
    if path == "top" or path.startswith("top/"):
        path = path[len("top/"):]
    return path.strip()


def parse_gift(source: str) -> list[GiftQuestion]:
    """Every question of a GIFT text, those without a ::title:: named from their words.
    Raises GiftError (GiftErrors when there are several) listing every problem, each with its
    line."""
    questions, errors, category = [], [], ""
    for line, block in _blocks(source):
        stripped = block.strip()
        if stripped.startswith("$CATEGORY:"):
            category = category_path(_restore(stripped[len("$CATEGORY:"):]))
            continue
        try:
            questions.append(_question(line, block, category))
        except GiftError as error:
            errors.append(error)
    if errors:
        raise errors[0] if len(errors) == 1 else GiftErrors(errors)
    name_untitled(questions)
    return questions


NAME_WORDS, NAME_MAX = 6, 60


def name_from_text(text: str) -> str:
    """An id from the first words of a question's text, as Moodle names an untitled question:
    `¿Cuántas reglas tienen? {#122}` -> `cuantas-reglas-tienen`."""
    plain = re.sub(r"<[^>]*>", " ", text)
    plain = unicodedata.normalize("NFKD", plain).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", plain)[:NAME_WORDS]
    return "-".join(words)[:NAME_MAX].strip("-") or "question"


def unique_name(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3`... the first one not in `taken` (which it joins)."""
    name, number = base, 1
    while name in taken:
        number += 1
        name = f"{base}-{number}"
    taken.add(name)
    return name


def name_untitled(questions: list[GiftQuestion]) -> None:
    """Give every question without a ::title:: an id from its words, unique within the file."""
    taken = {q.ident for q in questions if q.ident}
    for question in questions:
        if not question.ident:
            question.ident = unique_name(name_from_text(question.text), taken)
            question.is_named_from_text = True


def _blocks(source: str):
    """(first line number, text) of each question, split on blank lines, comments dropped. A
    blank line inside { } does not split, unless a new question (`::title::` or `$CATEGORY:`)
    follows it: an unclosed { then hides no other question's problems."""
    start, lines = None, []
    raws = source.replace("\r\n", "\n").split("\n")
    opens = _opens_question(raws)
    for number, raw in enumerate(raws, start=1):
        if raw.lstrip().startswith("//"):
            continue
        if raw.strip():
            if start is None:
                start = number
            lines.append(raw)
            continue
        if lines and (_balanced(lines) or opens[number]):
            yield start, _protect("\n".join(lines))
            start, lines = None, []
    if lines:
        yield start, _protect("\n".join(lines))


def _opens_question(raws: list[str]) -> list[bool]:
    """For each line index, whether the next line with words from there on (past comments)
    opens a question or a category; one pass from the end."""
    opens, following = [False] * (len(raws) + 1), False
    for index in range(len(raws) - 1, -1, -1):
        line = raws[index].strip()
        if line and not line.startswith("//"):
            following = line.startswith(("::", "$CATEGORY:"))
        opens[index] = following
    return opens


def _balanced(lines: list[str]) -> bool:
    text = _protect("\n".join(lines))
    return text.count("{") == text.count("}")


def _question(line: int, block: str, category: str) -> GiftQuestion:
    ident = ""
    block = block.strip()
    if block.startswith("::"):
        end = block.find("::", 2)
        if end < 0:
            raise GiftError(line, _l("The question title is not closed with ::."))
        ident, block = _restore(block[2:end]), block[end + 2:].strip()
    text_format = "moodle"
    match = re.match(r"\[(\w+)\]", block)
    if match and match.group(1).lower() in FORMATS:
        text_format, block = match.group(1).lower(), block[match.end():].lstrip()
    if "{" not in block and "}" not in block:  # Moodle's description: text, no answer
        if not block:
            raise GiftError(line, _l("The question has no text."))
        return GiftQuestion(line, ident, category, DESCRIPTION, _restore(block), text_format)
    if block.count("{") != 1 or block.count("}") != 1 or block.index("{") > block.index("}"):
        raise GiftError(line, _l("Each question needs exactly one answer block in { }."))
    before, rest = block.split("{", 1)
    inside, after = rest.split("}", 1)
    text = before.strip() + (" _____ " + after.strip() if after.strip() else "")
    question = GiftQuestion(line, ident, category, "", _restore(text), text_format)
    inside, question.general_feedback = _general_feedback(inside)
    _answers(line, inside.strip(), question)
    if not question.text:
        raise GiftError(line, _l("The question has no text."))
    return question


def _general_feedback(inside: str) -> tuple[str, str]:
    if "####" in inside:
        body, feedback = inside.split("####", 1)
        return body, _restore(feedback)
    return inside, ""


def _answers(line: int, inside: str, question: GiftQuestion) -> None:
    if not inside:
        question.qtype = "essay"
        return
    head = inside.split("#", 1)[0].strip().upper()
    if head in ("T", "TRUE", "F", "FALSE"):
        _true_false(inside, question)
    elif inside.startswith("#"):
        _numerical(line, inside[1:], question)
    else:
        _choices(line, inside, question)


def _true_false(inside: str, question: GiftQuestion) -> None:
    parts = inside.split("#")
    question.qtype = "truefalse"
    question.correct = parts[0].strip().upper() in ("T", "TRUE")
    wrong = _restore(parts[1]) if len(parts) > 1 else ""
    right = _restore(parts[2]) if len(parts) > 2 else ""
    # Moodle: the first feedback is shown for a wrong answer, the second for a right one.
    question.feedback_true, question.feedback_false = ((right, wrong) if question.correct
                                                       else (wrong, right))


def _items(inside: str) -> list[tuple[str, str]]:
    """Split `=a #f ~b ~%50%c` into (marker, body) pairs."""
    items, marker, buf = [], None, []
    for ch in inside:
        if ch in "=~":
            if marker is not None:
                items.append((marker, "".join(buf)))
            marker, buf = ch, []
        else:
            buf.append(ch)
    if marker is not None:
        items.append((marker, "".join(buf)))
    return items


def _weight(line: int, body: str) -> tuple[float | None, str]:
    match = re.match(r"\s*%(-?\d+(?:\.\d+)?)%", body)
    if not match:
        return None, body
    value = float(match.group(1))
    if not -100 <= value <= 100:
        shown = format(value, "g")
        raise GiftError(line, _l("The weight %(value)s%% is outside -100%% to 100%%.", value=shown))
    return value / 100, body[match.end():]


def _split_feedback(body: str) -> tuple[str, str]:
    if "#" in body:
        text, feedback = body.split("#", 1)
        return _restore(text), _restore(feedback)
    return _restore(body), ""


def _choices(line: int, inside: str, question: GiftQuestion) -> None:
    items = _items(inside)
    if not items or inside.strip()[0] not in "=~":
        raise GiftError(line, _l("Answers must start with = or ~."))
    answers = []
    for marker, body in items:
        weight, body = _weight(line, body)
        text, feedback = _split_feedback(body)
        fraction = weight if weight is not None else (1.0 if marker == "=" else 0.0)
        answers.append(Answer(text=text, fraction=fraction, feedback=feedback))
    if any("->" in a.text for a in answers):
        _matching(line, answers, question)
        return
    if all(marker == "=" for marker, _ in items):
        question.qtype = "shortanswer"
    elif all(marker == "~" for marker, _ in items) and any(
            _weight(line, body)[0] is not None for _, body in items):
        # Moodle: only ~ answers, with weights -> several answers may be chosen (checkboxes);
        # with an = answer it stays single choice, weighted wrong answers giving partial credit.
        question.qtype = "multiple"
    else:
        question.qtype = "single"
        if sum(1 for a in answers if a.fraction == 1.0) < 1:
            raise GiftError(line, _l("A single-choice question needs one right answer (=)."))
    if question.qtype == "multiple" and sum(a.fraction for a in answers if a.fraction > 0) < 0.99:
        raise GiftError(line, _l("The positive weights of a multiple-choice question "
                                 "must add up to 100%."))
    if any(not a.text for a in answers):
        raise GiftError(line, _l("An answer is empty."))
    question.answers = answers


def _matching(line: int, answers: list[Answer], question: GiftQuestion) -> None:
    pairs = []
    for answer in answers:
        if "->" not in answer.text:
            raise GiftError(line, _l("Every item of a matching question needs ->."))
        left, right = answer.text.split("->", 1)
        pairs.append(Answer(text=left.strip(), match=right.strip(), fraction=1.0))
    if len(pairs) < 2:
        raise GiftError(line, _l("A matching question needs at least two pairs."))
    question.qtype, question.answers = "matching", pairs


def _number(line: int, text: str) -> float:
    try:
        return float(text.strip())
    except ValueError:
        raise GiftError(line, _l("“%(text)s” is not a number.", text=text.strip())) from None


def _numerical(line: int, inside: str, question: GiftQuestion) -> None:
    question.qtype = "numerical"
    items = _items(inside) if inside.lstrip().startswith("=") else [("=", inside)]
    for _marker, body in items:
        weight, body = _weight(line, body)
        value_text, feedback = _split_feedback(body)
        answer = Answer(fraction=1.0 if weight is None else weight, feedback=feedback)
        if ".." in value_text:
            low, high = value_text.split("..", 1)
            answer.minimum, answer.maximum = _number(line, low), _number(line, high)
        elif ":" in value_text:
            value, tolerance = value_text.split(":", 1)
            answer.value, answer.tolerance = _number(line, value), abs(_number(line, tolerance))
        else:
            answer.value = _number(line, value_text)
        question.answers.append(answer)
