"""Writing questions back to GIFT, so that reading the output gives the same questions."""
from __future__ import annotations

from flask_babel import ngettext

from academy.quizzes.gift import ESCAPABLE

# The types GIFT has a syntax for. Any other (embedded answers, select missing words) is left out
# of a GIFT file, and its export says how many; Moodle XML carries them all.
GIFT_TYPES = frozenset({"single", "multiple", "truefalse", "shortanswer", "numerical", "matching",
                        "essay", "description"})


def can_carry(qtype: str) -> bool:
    """Whether GIFT can write a question of this type."""
    return qtype in GIFT_TYPES


def left_out_note(count: int) -> str:
    """What a GIFT export says of the questions it left out (in the reader's language)."""
    return ngettext("%(num)d question was left out of the GIFT file: GIFT cannot carry its type. "
                    "Moodle XML carries it.",
                    "%(num)d questions were left out of the GIFT file: GIFT cannot carry their "
                    "type. Moodle XML carries them.", count)


def escape(text: str) -> str:
    """A text with GIFT's special characters escaped, on one line."""
    text = (text or "").replace("\\", "\\\\")
    for ch in ESCAPABLE:
        text = text.replace(ch, "\\" + ch)
    return text.replace("\r\n", "\n").replace("\n", "\\n")


def _number(value: float) -> str:
    return f"{value:.12g}"  # enough digits for 33.33333 %, none of the float noise


def _choice_prefix(qtype: str, fraction: float) -> str:
    """= for the right answer of a single choice; ~ with its weight otherwise (multiple choice
    always carries weights, which is what makes it multiple)."""
    if qtype == "single" and fraction == 1.0:
        return "="
    if qtype == "single" and fraction == 0.0:
        return "~"
    return f"~%{fraction * 100:g}%"


def _feedback(text: str) -> str:
    return f" #{escape(text)}" if text else ""


def question_to_gift(ident: str, qtype: str, spec: dict, content: dict) -> str:
    """One question in GIFT, from its structure (`spec`) and its words in one locale (`content`)."""
    head = f"::{escape(ident)}:: "
    fmt = content.get("format") or "moodle"
    head += f"[{fmt}]" if fmt != "moodle" else ""
    head += escape(content.get("text", ""))
    if qtype == "description":  # no answer block at all
        return head
    answers = _answers(qtype, spec, content)
    general = content.get("general_feedback")
    if general:
        answers += f"\n  ####{escape(general)}"
    return f"{head} {{{answers}\n}}" if answers else f"{head} {{}}"


def _answers(qtype: str, spec: dict, content: dict) -> str:
    texts = content.get("answers", [])
    if qtype == "essay":
        return ""
    if qtype == "truefalse":
        return _truefalse(spec, content)
    # strict=False: write only the answers that both the structure and the words have.
    lines = [_answer_line(qtype, shape, words)
             for shape, words in zip(spec.get("answers", []), texts, strict=False)]
    if qtype == "numerical":
        return "#" + "".join(f"\n  {line}" for line in lines)
    return "".join(f"\n  {line}" for line in lines)


def _truefalse(spec: dict, content: dict) -> str:
    right, wrong = (content.get("feedback_true", ""), content.get("feedback_false", ""))
    if not spec.get("correct"):
        right, wrong = wrong, right
    tail = f"#{escape(wrong)}#{escape(right)}" if (right or wrong) else ""
    return ("T" if spec.get("correct") else "F") + tail


def _answer_line(qtype: str, shape: dict, words: dict) -> str:
    """One answer of a question other than true/false, as GIFT writes it."""
    if qtype == "matching":
        return f"={escape(words['text'])} -> {escape(words['match'])}"
    if qtype == "numerical":
        value = _numerical_value(shape)
        return f"={_weight(shape)}{value}{_feedback(words.get('feedback', ''))}"
    if qtype == "shortanswer":
        return f"={_weight(shape)}{escape(words['text'])}{_feedback(words.get('feedback', ''))}"
    prefix = _choice_prefix(qtype, shape["fraction"])
    return f"{prefix}{escape(words['text'])}{_feedback(words.get('feedback', ''))}"


def _weight(shape: dict) -> str:
    return "" if shape["fraction"] == 1.0 else f"%{shape['fraction'] * 100:g}%"


def _numerical_value(shape: dict) -> str:
    if shape.get("minimum") is not None:
        return f"{_number(shape['minimum'])}..{_number(shape['maximum'])}"
    if shape.get("tolerance"):
        return f"{_number(shape['value'])}:{_number(shape['tolerance'])}"
    return _number(shape["value"])


def gift_file(entries) -> str:
    """A GIFT file of (question, its words in one language) pairs, in order, with a `$CATEGORY:`
    line wherever the category changes; empty when there is nothing to write. Questions of
    a type GIFT cannot carry (not in GIFT_TYPES) are left out."""
    blocks, category = [], None
    for question, content in entries:
        if not can_carry(question.qtype):
            continue
        if question.category != category:
            category = question.category
            blocks.append(f"$CATEGORY: {escape(category)}")
        blocks.append(question_to_gift(question.ident, question.qtype, question.spec, content))
    return "\n\n".join(blocks) + "\n" if blocks else ""
