"""A reader for Moodle XML question exports, giving the same questions as the GIFT reader.

Both formats end as `GiftQuestion`s filled the way `parse_gift` fills them, so the rest of the app
imports either through one path. Supported: multichoice (single or multiple), truefalse,
shortanswer (`<usecase>` -> `case_sensitive`), numerical, matching, essay, description (text
shown between questions), gapselect (select missing words: choices with their groups,
shuffling and the combined feedback) and multianswer (Cloze, read by cloze.py); other types are
refused. Problems carry the line where their `<question>` starts.

Choices made where Moodle XML says more than GIFT can hold:
- Categories: `$course$/top/Foo/Bar` is stored as `Foo/Bar`: the context (`$course$`, `$module$`,
  `$system$`...) and Moodle's `top` root are dropped, so it reads like the packages' own
  `$CATEGORY: course/module` lines (gift.py's `category_path`, shared by both readers).
- A numerical `*` answer ("any other number") only carries feedback when it is worth 0: it is
  skipped. Worth marks, it cannot be graded here and is refused.
- Matching distractors (a subquestion with an empty item, only an extra match to choose from) are
  ignored: grading counts every pair as an item to answer, so they cannot be stored.
- `read_moodle_xml` (the bank's import) reports every problem with its line, lists the questions
  of types Campus does not have (they are skipped), and names per question the settings Campus does
  not keep: penalty, hidden and the default mark (`defaultgrade`: Campus has no mark on the
  question, only in a quiz's slot, so it becomes the mark of the slot when the import places the
  questions in a quiz). An essay's information for graders (`graderinfo`) is kept, in each
  language, and shown on the grading page. Course packages read their `.xml` question files with
  it too (a type Campus lacks is a problem there, not skipped).
  `parse_moodle_xml` stops at the first problem (for callers that want all or nothing at once).
- Embedded `<file>`s (images, documents) become course files and their `@@PLUGINFILE@@` links
  `files/<name>` (moodle_files.py); a file Campus does not keep is left out with a note.
- Noted when they say something Campus does not keep: hints, units, combined feedback
  (correct/partially correct/incorrect) where the type has none here. Ignored without a note:
  choice shuffling (a quiz setting here) and answer numbering. A gapselect question keeps its
  own shuffling and combined feedback.
- A DOCTYPE is refused: Moodle never writes one, and it is how entity-expansion bombs come in.
"""
from __future__ import annotations

import codecs
import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from academy.i18n import lazy_gettext as _l
from academy.quizzes import cloze, gapselect
from academy.quizzes.gift import DESCRIPTION, Answer, GiftError, GiftQuestion, category_path
from academy.quizzes.moodle_files import Embedded, read_embedded, relink, to_course_links

if TYPE_CHECKING:
    from lxml import etree

FORMATS = {"html": "html", "markdown": "markdown", "plain_text": "plain",
           "moodle_auto_format": "moodle"}
_SPACE = re.compile(r"\s*")
_PROLOG_PARTS = (("<?", "?>"), ("<!--", "-->"))
_ENCODINGS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
              (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
              (b"<\0\0\0", "utf-32-le"), (b"\0\0\0<", "utf-32-be"),
              (b"<\0", "utf-16-le"), (b"\0<", "utf-16-be"))
_DOCTYPE = _l("The file declares a DOCTYPE, which Moodle XML never has; it is refused for safety.")


def parse_moodle_xml(data: bytes) -> list[GiftQuestion]:
    """Every question of a Moodle XML export. Raises GiftError at the first problem."""
    questions, category = [], ""
    for element in _root(data).iterchildren("question"):
        if element.get("type") == "category":
            category = category_path(_text(element, "category/text"))
            continue
        questions.append(_question(element, category))
    return questions


@dataclass
class MoodleFile:
    """What the bank's import reads from a Moodle XML file (see `read_moodle_xml`)."""

    questions: list[GiftQuestion] = field(default_factory=list)
    notes: list[list[str]] = field(default_factory=list)  # per question: settings not kept
    marks: list[float] = field(default_factory=list)  # per question: Moodle's defaultgrade
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, message), all of them
    skipped: dict[str, list[int]] = field(default_factory=dict)  # unsupported type -> lines
    files: dict[str, bytes] = field(default_factory=dict)  # embedded images, by their clean name


def read_moodle_xml(data: bytes) -> MoodleFile:
    """Every question of the file, every problem with its line, and the questions of types
    Campus does not have (skipped), without stopping at the first problem."""
    found, category, embedded = MoodleFile(), "", Embedded()
    try:
        root = _root(data)
    except GiftError as error:
        found.problems.append((error.line, error.reason))
        return found
    for element in root.iterchildren("question"):
        qtype = element.get("type", "")
        if qtype == "category":
            category = category_path(_text(element, "category/text"))
        elif qtype and qtype not in _READERS:
            found.skipped.setdefault(qtype, []).append(element.sourceline or 1)
        else:
            try:
                question = _question(element, category)
            except GiftError as error:
                found.problems.append((error.line, error.reason))
                continue
            names, file_notes = read_embedded(element, embedded)
            _link_files(question, names)
            found.questions.append(question)
            found.marks.append(_mark(element, qtype))
            found.notes.append(_notes(element, qtype) + file_notes)
    found.files = embedded.files
    return found


def _link_files(question: GiftQuestion, names: dict[str, str]) -> None:
    """The question's links to its embedded files pointed at the course files they become."""
    if names:
        relink(question, lambda text: to_course_links(text, names))


def _mark(element: etree._Element, qtype: str) -> float:
    """Moodle's default mark (1 when absent or unreadable; a description is worth nothing)."""
    try:
        mark = float(_text(element, "defaultgrade") or "1")
    except ValueError:
        mark = 1.0
    return 0.0 if qtype == DESCRIPTION or not math.isfinite(mark) or mark < 0 else mark


def _notes(element: etree._Element, qtype: str) -> list[str]:
    """What the question's Moodle settings become here, for those Campus does not keep."""
    notes = []
    mark = _mark(element, qtype)
    if qtype != DESCRIPTION and mark != 1.0:
        notes.append(_l("Default mark %(mark)s: Campus keeps marks in quizzes, not on the "
                        "question; it becomes the mark in the quiz chosen for the import.",
                        mark=format(mark, "g")))
    penalty = _text(element, "penalty")
    if penalty and _is_nonzero(penalty):
        notes.append(_l("Penalty %(penalty)s is not used by Campus: ignored.", penalty=penalty))
    if _text(element, "hidden") in ("1", "true"):
        notes.append(_l("Hidden in Moodle: Campus has no hidden questions; "
                        "it is imported visible."))
    return notes + _unkept_parts(element, qtype)


_COMBINED = ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback")
# The types whose combined feedback Campus has nowhere to keep.
_NO_COMBINED = ("multichoice", "matching")


def _unkept_parts(element: etree._Element, qtype: str) -> list:
    """Notes on hints, units and combined feedback, which the question says and Campus drops."""
    notes = []
    hints = [hint for hint in element.findall("hint") if _text(hint, "text")]
    if hints:
        notes.append(_l("Hints for several tries (%(n)d) are not used by Campus, which grades "
                        "each answer once: ignored.", n=len(hints)))
    units = [_text(unit, "unit_name") for unit in element.findall("units/unit")]
    if qtype == "numerical" and any(units):
        notes.append(_l("Units (%(units)s) are not kept: only the number is graded, so the "
                        "question should ask for the number alone.",
                        units=", ".join(unit for unit in units if unit)))
    if qtype in _NO_COMBINED and any(_text(element, f"{tag}/text") for tag in _COMBINED):
        notes.append(_l("The feedback for right, partly right and wrong answers is not kept "
                        "for this type: the general feedback and each answer's feedback are."))
    return notes


def _is_nonzero(text: str) -> bool:
    try:
        return float(text) != 0
    except ValueError:
        return True


def _parser() -> etree.XMLParser:
    from lxml import etree  # loaded on the first import of a file, not at start

    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False, remove_comments=True)


def _root(data: bytes) -> etree._Element:
    """The `<quiz>` element, read safely. Raises GiftError for a DOCTYPE, bad XML or another
    root."""
    line = _doctype_line(data)
    if line is not None:
        raise GiftError(line, _DOCTYPE)
    from lxml import etree

    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as error:
        raise GiftError(error.lineno or 1, _l("The file is not well-formed XML: %(error)s",
                                              error=error.msg)) from None
    if root.getroottree().docinfo.doctype:  # in case the prolog scan could not read it
        raise GiftError(1, _DOCTYPE)
    if root.tag != "quiz":
        raise GiftError(1, _l("A Moodle XML export starts with <quiz>, not <%(tag)s>.",
                              tag=root.tag))
    return root


def _doctype_line(data: bytes) -> int | None:
    """The line of a DOCTYPE before the root element, found before any parsing, or None."""
    text, position = _decode(data), 0
    while True:
        position = _SPACE.match(text, position).end()
        for start, end in _PROLOG_PARTS:
            if text.startswith(start, position):
                close = text.find(end, position + len(start))
                if close < 0:
                    return None
                position = close + len(end)
                break
        else:
            return (text.count("\n", 0, position) + 1
                    if text.startswith("<!DOCTYPE", position) else None)


def _decode(data: bytes) -> str:
    """The bytes as text, enough to read the prolog: UTF-16/32 by BOM or by how `<` is written
    (XML 1.0, appendix F), otherwise byte per byte, which is enough for every ASCII-based
    encoding."""
    for signature, codec in _ENCODINGS:
        if data.startswith(signature):
            return data.decode(codec, errors="replace")
    return data.removeprefix(codecs.BOM_UTF8).decode("latin-1")


def _text(element: etree._Element, path: str) -> str:
    return (element.findtext(path) or "").strip()


def _question(element: etree._Element, category: str) -> GiftQuestion:
    """One question of a supported type. Raises GiftError for any other type or a bad question."""
    line, qtype = element.sourceline or 1, element.get("type", "")
    if not qtype:
        raise GiftError(line, _l("A question has no type."))
    reader = _READERS.get(qtype)
    if reader is None:
        raise GiftError(line, _l("Moodle question type “%(type)s” is not supported.", type=qtype))
    question = GiftQuestion(line, _text(element, "name/text"), category, "",
                            _text(element, "questiontext/text"),
                            _format(line, element.find("questiontext")),
                            general_feedback=_text(element, "generalfeedback/text"))
    if not question.text:
        raise GiftError(line, _l("The question has no text."))
    reader(line, element, question)
    return question


def _format(line: int, holder: etree._Element | None) -> str:
    """GIFT's name for a Moodle text format (Moodle reads a missing one as html)."""
    name = holder.get("format", "html") if holder is not None else "html"
    if name not in FORMATS:
        raise GiftError(line, _l("The text format “%(format)s” is not supported.", format=name))
    return FORMATS[name]


def _number(line: int, text: str) -> float:
    try:
        value = float(text.strip())
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise GiftError(line, _l("“%(text)s” is not a number.", text=text.strip()))
    return value


def _fraction(line: int, answer: etree._Element) -> float:
    """An answer's fraction, 0..1, from Moodle's percentage (`-33.33333`, `100`)."""
    percent = _number(line, answer.get("fraction", "0"))
    if not -100 <= percent <= 100:
        raise GiftError(line, _l("The weight %(value)s%% is outside -100%% to 100%%.",
                                 value=format(percent, "g")))
    return percent / 100


def _answer(line: int, element: etree._Element) -> Answer:
    return Answer(text=_text(element, "text"), fraction=_fraction(line, element),
                  feedback=_text(element, "feedback/text"))


def _choice(line: int, element: etree._Element, question: GiftQuestion) -> None:
    """multichoice: `<single>` true (Moodle's default) or false, answers with their fractions."""
    single = element.findtext("single", "true").strip().lower() not in ("false", "0", "")
    question.qtype = "single" if single else "multiple"
    question.answers = [_answer(line, a) for a in element.findall("answer")]
    if len(question.answers) < 2:
        raise GiftError(line, _l("A choice question needs at least two answers."))
    if any(not a.text for a in question.answers):
        raise GiftError(line, _l("An answer is empty."))
    # Exactly 100%, as gift.py asks of an = answer: the GIFT writer marks only that one with =.
    if single and not any(a.fraction == 1.0 for a in question.answers):
        raise GiftError(line, _l("A single-choice question needs one answer worth 100%."))
    if not single and sum(a.fraction for a in question.answers if a.fraction > 0) < 0.99:
        raise GiftError(line, _l(
            "The positive weights of a multiple-choice question must add up to 100%."))


def _truefalse(line: int, element: etree._Element, question: GiftQuestion) -> None:
    """truefalse: the right answer is the one worth 100%; each answer's feedback is for who chose
    it."""
    answers = {_text(a, "text").lower(): a for a in element.findall("answer")}
    if len(element.findall("answer")) != 2 or set(answers) != {"true", "false"}:
        raise GiftError(line, _l("A true/false question needs one answer “true” and one “false”."))
    question.qtype = "truefalse"
    question.correct = _fraction(line, answers["true"]) == 1.0
    # gift.py keeps feedback_true for a trainee who answered true, feedback_false for one who
    # answered false ({T#if wrong#if right} -> feedback_false=if wrong, feedback_true=if right).
    # Moodle's feedback of the "true" answer is shown to whoever answered true: same meaning.
    question.feedback_true = _text(answers["true"], "feedback/text")
    question.feedback_false = _text(answers["false"], "feedback/text")


def _shortanswer(line: int, element: etree._Element, question: GiftQuestion) -> None:
    """shortanswer: accepted texts (`*` is a wildcard) and `<usecase>1</usecase>` for case."""
    question.qtype = "shortanswer"
    question.case_sensitive = element.findtext("usecase", "0").strip().lower() in ("1", "true")
    question.answers = [_answer(line, a) for a in element.findall("answer")]
    if not question.answers:
        raise GiftError(line, _l("The question has no answers."))
    if any(not a.text for a in question.answers):
        raise GiftError(line, _l("An answer is empty."))


def _numerical(line: int, element: etree._Element, question: GiftQuestion) -> None:
    """numerical: value and tolerance per answer; a `*` answer worth 0 is skipped (see above)."""
    question.qtype = "numerical"
    for answer in element.findall("answer"):
        text, fraction = _text(answer, "text"), _fraction(line, answer)
        if text == "*":
            if fraction > 0:
                raise GiftError(line, _l(
                    "A numerical answer “*” (any other number) cannot be worth marks."))
            continue
        question.answers.append(Answer(
            fraction=fraction, feedback=_text(answer, "feedback/text"), value=_number(line, text),
            tolerance=abs(_number(line, _text(answer, "tolerance") or "0"))))
    if not question.answers:
        raise GiftError(line, _l("The question has no answers."))


def _matching(line: int, element: etree._Element, question: GiftQuestion) -> None:
    """matching: item -> match pairs, each worth 1 as in gift.py; distractors are skipped."""
    question.qtype = "matching"
    for sub in element.findall("subquestion"):
        item, match = _text(sub, "text"), _text(sub, "answer/text")
        if not item:
            continue  # a distractor: see the module docstring
        if not match:
            raise GiftError(line, _l("An answer is empty."))
        question.answers.append(Answer(text=item, match=match, fraction=1.0))
    if len(question.answers) < 2:
        raise GiftError(line, _l("A matching question needs at least two pairs."))


def _essay(line: int, element: etree._Element, question: GiftQuestion) -> None:
    question.qtype = "essay"
    question.grader_info = _text(element, "graderinfo/text")


def _description(line: int, element: etree._Element, question: GiftQuestion) -> None:
    question.qtype = DESCRIPTION


def _gapselect(line: int, element: etree._Element, question: GiftQuestion) -> None:
    """gapselect: `<selectoption>`s (text, group), `<shuffleanswers>`, combined feedback;
    checked as Moodle's editor checks it (gapselect.problems)."""
    question.qtype = gapselect.QTYPE
    question.shuffle = _text(element, "shuffleanswers").lower() in ("1", "true")
    question.correct_feedback = _text(element, "correctfeedback/text")
    question.partial_feedback = _text(element, "partiallycorrectfeedback/text")
    question.incorrect_feedback = _text(element, "incorrectfeedback/text")
    for option in element.findall("selectoption"):
        group = _text(option, "group") or "1"
        if not group.isdigit():
            raise GiftError(line, _l("“%(text)s” is not a number.", text=group))
        question.answers.append(Answer(text=_text(option, "text"), fraction=0.0,
                                       group=int(group)))
    for _field, message in gapselect.problems(question)[:1]:
        raise GiftError(line, message)


def _multianswer(line: int, element: etree._Element, question: GiftQuestion) -> None:
    """multianswer (Cloze): the question text carries the answers in the embedded syntax, as
    Moodle exports it; every problem of the text is reported, on the question's line."""
    try:
        question.text, question.gaps = cloze.parse_embedded(question.text)
    except GiftError as error:
        raise GiftError(line, "; ".join(str(each.reason) for each in error.errors)) from None
    question.qtype = "cloze"


_READERS = {"multichoice": _choice, "truefalse": _truefalse, "shortanswer": _shortanswer,
            "numerical": _numerical, "matching": _matching, "essay": _essay,
            "description": _description, gapselect.QTYPE: _gapselect,
            "multianswer": _multianswer}
