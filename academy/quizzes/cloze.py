"""Cloze questions (Moodle's "multianswer", embedded answers): the embedded syntax read and
written, and how a cloze question is stored (the form and grading: cloze_answers.py; the page:
cloze_display.py; the bank's editor: bank/cloze_form.py).

An author writes the answers inside the text, as in Moodle:
`The capital of Germany is {1:SHORTANSWER:=Berlin#Right~%50%Bonn#Before 1990}.`
`{weight:KIND:answers}`: the weight (default mark, 1 if left out) weighs the gap in the question's
grade; answers are separated by `~`, `=` marks a right one (100%), `%n%` gives a weight, `#` starts
the answer's feedback, numerical answers are `value:tolerance`. `\\}` `\\#` `\\~` `\\/` `\\"`
`\\\\` write those characters; a `#` right after `&` is part of an HTML entity (`&#39;`), as
Moodle reads it. Kinds and their abbreviations are those of Moodle (`KINDS`).

Stored, the text holds `{#1}`, `{#2}`… where the gaps go (Moodle's own internal form); the gaps'
structure is in `spec["gaps"]`, their words (accepted texts, choices, feedback) per language in
`content["gaps"]`.
"""
from __future__ import annotations

import random
import re

from academy.i18n import lazy_gettext as _l
from academy.quizzes.gift import Answer, Gap, GiftError, GiftErrors

# keyword -> (kind, case sensitive, layout, shuffle); the first name of each is the one written.
KINDS: dict[str, tuple[str, bool, str, bool]] = {}
for _names, _meaning in (
        (("SHORTANSWER", "SA", "MW"), ("shortanswer", False, "dropdown", False)),
        (("SHORTANSWER_C", "SAC", "MWC"), ("shortanswer", True, "dropdown", False)),
        (("NUMERICAL", "NM"), ("numerical", False, "dropdown", False)),
        (("MULTICHOICE", "MC"), ("multichoice", False, "dropdown", False)),
        (("MULTICHOICE_V", "MCV"), ("multichoice", False, "vertical", False)),
        (("MULTICHOICE_H", "MCH"), ("multichoice", False, "horizontal", False)),
        (("MULTICHOICE_S", "MCS"), ("multichoice", False, "dropdown", True)),
        (("MULTICHOICE_VS", "MCVS"), ("multichoice", False, "vertical", True)),
        (("MULTICHOICE_HS", "MCHS"), ("multichoice", False, "horizontal", True)),
        (("MULTIRESPONSE", "MR"), ("multiresponse", False, "vertical", False)),
        (("MULTIRESPONSE_H", "MRH"), ("multiresponse", False, "horizontal", False)),
        (("MULTIRESPONSE_S", "MRS"), ("multiresponse", False, "vertical", True)),
        (("MULTIRESPONSE_HS", "MRHS"), ("multiresponse", False, "horizontal", True))):
    for _name in _names:
        KINDS[_name] = _meaning
_KEYWORDS = {meaning: name for name, meaning in reversed(KINDS.items())}
CHOICE_KINDS = ("multichoice", "multiresponse")

_START = re.compile(r"\{(\d*):([A-Za-z_]+):")
PLACEHOLDER = re.compile(r"\{#(\d+)\}")
_WEIGHT = re.compile(r"%(-?\d+(?:[.,]\d*)?)%")
_ESCAPES = {"\\": "\ue100", "}": "\ue101", "#": "\ue102", "~": "\ue103", "/": "\ue104",
            '"': "\ue105"}
_UNESCAPE = {sentinel: ch for ch, sentinel in _ESCAPES.items()}
EXAMPLE = "{1:SHORTANSWER:=Berlin#Right~%50%Bonn#Before 1990}"


def _error(source: str, offset: int, number: int, reason) -> GiftError:
    """A problem of gap `number`, on the line of the text where the gap starts."""
    line = source.count("\n", 0, offset) + 1
    return GiftError(line, _l("Embedded answer %(n)d: %(problem)s", n=number, problem=reason))


def parse_embedded(source: str) -> tuple[str, list[Gap]]:
    """(text with {#n} placeholders, the gaps) of a text in Moodle's embedded syntax.
    Raises GiftError (GiftErrors when there are several), each problem with its line."""
    source = source.replace("\r\n", "\n")
    parts, gaps, errors, position = [], [], [], 0
    while (start := _START.search(source, position)) is not None:
        parts.append(source[position:start.start()])
        number, end = len(gaps) + 1, _closing(source, start.end())
        if end is None:
            errors.append(_error(source, start.start(), number, _l("it is not closed with }.")))
            position = len(source)
            break
        try:
            gaps.append(_gap(start.group(1), start.group(2), source[start.end():end]))
        except ValueError as problem:
            errors.append(_error(source, start.start(), number, problem.args[0]))
            gaps.append(Gap("shortanswer"))
        parts.append(f"{{#{number}}}")
        position = end + 1
    parts.append(source[position:])
    for literal in PLACEHOLDER.finditer(source):
        if not _inside_gap(source, literal.start()):
            line = source.count("\n", 0, literal.start()) + 1
            errors.append(GiftError(line, _l("“%(text)s” cannot be written in the text.",
                                             text=literal.group(0))))
    if not gaps and not errors:
        errors.append(GiftError(1, _l("The text has no embedded answers, e.g. %(example)s.",
                                      example=EXAMPLE)))
    if errors:
        raise errors[0] if len(errors) == 1 else GiftErrors(errors)
    return "".join(parts), gaps


def _inside_gap(source: str, offset: int) -> bool:
    """Whether `offset` falls in an embedded answer (where `{#1}` may be an answer's words)."""
    position = 0
    while (start := _START.search(source, position)) is not None and start.start() <= offset:
        end = _closing(source, start.end())
        if end is None or offset <= end:
            return True
        position = end + 1
    return False


def _closing(source: str, position: int) -> int | None:
    """The index of the `}` that closes a gap whose answers start at `position` (escapes
    skipped)."""
    while position < len(source):
        ch = source[position]
        if ch == "\\":
            position += 2
            continue
        if ch == "}":
            return position
        position += 1
    return None


def _protect(body: str) -> str:
    out, position = [], 0
    while position < len(body):
        ch = body[position]
        if ch == "\\" and position + 1 < len(body) and body[position + 1] in _ESCAPES:
            out.append(_ESCAPES[body[position + 1]])
            position += 2
            continue
        if ch == "#" and body[:position].endswith(("&", "&amp;")):
            ch = _ESCAPES["#"]  # an HTML entity (&#39;, &amp;#39;), not a feedback, as in Moodle
        out.append(ch)
        position += 1
    return "".join(out)


def _restore(text: str) -> str:
    for sentinel, ch in _UNESCAPE.items():
        text = text.replace(sentinel, ch)
    return text.strip()


def _gap(weight: str, keyword: str, body: str) -> Gap:
    """One gap from its parts. Raises ValueError(reason) for a broken one."""
    if keyword not in KINDS:
        raise ValueError(_l("“%(kind)s” is not a type of embedded answer.", kind=keyword))
    if weight and not 1 <= int(weight) <= 100:
        raise ValueError(_l("its mark must be a whole number from 1 to 100."))
    kind, case_sensitive, layout, shuffle = KINDS[keyword]
    gap = Gap(kind, int(weight or 1), case_sensitive, layout, shuffle)
    for alternative in _protect(body).split("~"):
        gap.answers.append(_answer(kind, alternative))
    _check(gap)
    return gap


def _answer(kind: str, alternative: str) -> Answer:
    fraction, alternative = _fraction(alternative.lstrip())
    text, _sep, feedback = alternative.partition("#")
    answer = Answer(text=_restore(text), fraction=fraction, feedback=_restore(feedback))
    if not answer.text:
        raise ValueError(_l("an answer is empty."))
    if kind == "numerical":
        value, _sep, tolerance = answer.text.partition(":")
        answer.value, answer.text = _number(value), ""
        answer.tolerance = abs(_number(tolerance)) if tolerance.strip() else 0.0
    return answer


def _fraction(alternative: str) -> tuple[float, str]:
    if alternative.startswith("="):
        return 1.0, alternative[1:]
    match = _WEIGHT.match(alternative)
    if match is None:
        return 0.0, alternative
    percent = float(match.group(1).replace(",", "."))
    if not -100 <= percent <= 100:
        raise ValueError(_l("the weight %(value)s%% is outside -100%% to 100%%.",
                            value=format(percent, "g")))
    return percent / 100, alternative[match.end():]


def _number(text: str) -> float:
    cleaned = text.strip().replace(",", ".")
    if not re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", cleaned):
        raise ValueError(_l("“%(text)s” is not a number.", text=text.strip()))
    return float(cleaned)


def _check(gap: Gap) -> None:
    fractions = [a.fraction for a in gap.answers]
    if gap.kind == "multiresponse":
        if abs(sum(f for f in fractions if f > 0) - 1) > 0.01:
            raise ValueError(_l("the positive weights of its answers must add up to 100%."))
    elif max(fractions) < 1:
        raise ValueError(_l("one of its answers must be worth 100%."))


# --- Writing -----------------------------------------------------------------------------------

def _escape(text: str) -> str:
    text = text.replace("\\", "\\\\")
    for ch in "}#~":
        text = text.replace(ch, "\\" + ch)
    return text


def _percent(fraction: float) -> str:
    return f"{fraction * 100:.12g}"


def _alternative(kind: str, answer: Answer) -> str:
    prefix = "=" if answer.fraction == 1 else (f"%{_percent(answer.fraction)}%"
                                               if answer.fraction else "")
    if kind == "numerical":
        body = f"{answer.value or 0:.12g}" + (f":{answer.tolerance:.12g}"
                                              if answer.tolerance else "")
    else:
        body = _escape(answer.text)
    if not prefix and body[:1] in ("=", "%"):
        prefix = "%0%"  # so that the answer's own = or % is not read as its weight
    return prefix + body + (f"#{_escape(answer.feedback)}" if answer.feedback else "")


def gap_source(gap: Gap) -> str:
    """One gap in the embedded syntax, with Moodle's full name of its kind."""
    key = (gap.kind, gap.case_sensitive if gap.kind == "shortanswer" else False,
           gap.layout if gap.kind in CHOICE_KINDS else "dropdown",
           gap.shuffle if gap.kind in CHOICE_KINDS else False)
    keyword = _KEYWORDS.get(key) or _KEYWORDS[(gap.kind, False, "vertical" if gap.kind ==
                                               "multiresponse" else "dropdown", gap.shuffle)]
    answers = "~".join(_alternative(gap.kind, answer) for answer in gap.answers)
    return f"{{{gap.weight}:{keyword}:{answers}}}"


def write_embedded(text: str, gaps: list[Gap]) -> str:
    """The text with each {#n} written back as its gap in the embedded syntax."""
    def one(match: re.Match) -> str:
        number = int(match.group(1))
        return gap_source(gaps[number - 1]) if 1 <= number <= len(gaps) else match.group(0)
    return PLACEHOLDER.sub(one, text)


# --- Stored form -------------------------------------------------------------------------------

def gaps_spec(gaps: list[Gap]) -> list[dict]:
    """The gaps' structure, the same in every language."""
    return [{"kind": g.kind, "weight": g.weight, "case_sensitive": g.case_sensitive,
             "layout": g.layout, "shuffle": g.shuffle,
             "answers": [{"fraction": a.fraction, **({"value": a.value, "tolerance": a.tolerance}
                                                     if g.kind == "numerical" else {})}
                         for a in g.answers]} for g in gaps]


def gaps_content(gaps: list[Gap]) -> list[dict]:
    """The gaps' words in one language."""
    return [{"answers": [{"text": a.text, "feedback": a.feedback} for a in g.answers]}
            for g in gaps]


def gaps_from_stored(spec: dict, content: dict) -> list[Gap]:
    """The gaps of a stored question with the words of one language."""
    words = content.get("gaps", [])
    gaps = []
    for index, shape in enumerate(spec.get("gaps", [])):
        said = words[index].get("answers", []) if index < len(words) else []
        gap = Gap(shape.get("kind", "shortanswer"), int(shape.get("weight", 1)),
                  bool(shape.get("case_sensitive")), shape.get("layout", "dropdown"),
                  bool(shape.get("shuffle")))
        for number, answer in enumerate(shape.get("answers", [])):
            text = said[number] if number < len(said) else {}
            gap.answers.append(Answer(text=text.get("text", ""), feedback=text.get("feedback", ""),
                                      fraction=float(answer.get("fraction", 0)),
                                      value=answer.get("value"),
                                      tolerance=answer.get("tolerance", 0.0) or 0.0))
        gaps.append(gap)
    return gaps


def choice_order(spec: dict, rng: random.Random | None) -> list[list[int]]:
    """Per gap, the stored indices of its choices in the order shown ([] for a text gap);
    shuffled only for the _S kinds (and only when `rng` is given)."""
    orders = []
    for gap in spec.get("gaps", []):
        if gap.get("kind") not in CHOICE_KINDS:
            orders.append([])
            continue
        order = list(range(len(gap.get("answers", []))))
        if gap.get("shuffle") and rng is not None:
            rng.shuffle(order)
        orders.append(order)
    return orders
