"""Writing questions as Moodle XML (the `<quiz>` file Moodle's question bank imports and exports),
so that `moodle_xml.read_moodle_xml` reads the same questions back.

Element names follow Moodle's qformat_xml (4.x). Each category change writes Moodle's category
pseudo-question (`$course$/top/Foo/Bar`). Campus keeps no mark on the question itself, so
`defaultgrade` is 1 (0 for a description), `penalty` 0 and `hidden` 0. A numerical range
`min..max` is written as Moodle writes it: the middle value with half the range as tolerance.
The document is built with lxml, so it is always well-formed whatever the text holds.
"""
from __future__ import annotations

import re

from academy.quizzes import cloze
from academy.quizzes.gift import DESCRIPTION, Answer, GiftQuestion
from academy.quizzes.moodle_files import embed_files

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # no XML 1.0 document holds them

_FORMAT_NAMES = {"html": "html", "markdown": "markdown", "plain": "plain_text",
                 "moodle": "moodle_auto_format"}
_TYPES = {"single": "multichoice", "multiple": "multichoice", "truefalse": "truefalse",
          "shortanswer": "shortanswer", "numerical": "numerical", "matching": "matching",
          "essay": "essay", DESCRIPTION: "description", "gapselect": "gapselect",
          "cloze": "multianswer"}


def moodle_xml_file(questions: list[GiftQuestion], files: dict[str, bytes] | None = None) -> bytes:
    """A UTF-8 Moodle XML document with these questions, in order, and their categories; the
    course `files` their texts link to (`files/<name>`) embedded where Moodle expects them."""
    from lxml import etree  # loaded on the first export, not at start

    root, category = etree.Element("quiz"), None
    for question in questions:
        if question.category != category:
            category = question.category
            root.append(_category(etree, category))
        root.append(_question(etree, question))
    embed_files(etree, root, files or {})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _number(value: float) -> str:
    return f"{value:.12g}"


def _text(etree, parent, tag: str, text: str, text_format: str | None = None):
    """`<tag format="..."><text>text</text></tag>`, the text in CDATA when it can be."""
    holder = etree.SubElement(parent, tag)
    if text_format is not None:
        holder.set("format", text_format)
    _set_text(etree, etree.SubElement(holder, "text"), text)
    return holder


def _set_text(etree, element, text: str | None) -> None:
    """The element's text, in CDATA (as Moodle writes it) unless the text holds `]]>`."""
    text = _clean(text)
    element.text = etree.CDATA(text) if text and "]]>" not in text else text


def _clean(text: str | None) -> str:
    return _NOT_XML.sub("", text or "")


def _value(etree, parent, tag: str, value: str) -> None:
    etree.SubElement(parent, tag).text = value


def _category(etree, path: str):
    element = etree.Element("question", type="category")
    _text(etree, element, "category", "$course$/top" + (f"/{path}" if path else ""))
    _text(etree, element, "info", "", "html")
    return element


def _question(etree, question: GiftQuestion):
    qtype = _TYPES[question.qtype]
    element = etree.Element("question", type=qtype)
    _text(etree, element, "name", question.ident)
    text = cloze.write_embedded(question.text, question.gaps) if question.qtype == "cloze" \
        else question.text  # Moodle exports a multianswer's text with its answers embedded
    _text(etree, element, "questiontext", text, _FORMAT_NAMES[question.text_format])
    _text(etree, element, "generalfeedback", question.general_feedback, "html")
    _value(etree, element, "defaultgrade", "0" if question.qtype == DESCRIPTION else "1")
    _value(etree, element, "penalty", "0")
    _value(etree, element, "hidden", "0")
    _value(etree, element, "idnumber", "")
    _WRITERS[question.qtype](etree, element, question)
    return element


def _answer(etree, parent, answer: Answer, text: str, text_format: str):
    element = etree.SubElement(parent, "answer", fraction=_number(answer.fraction * 100),
                               format=text_format)
    _set_text(etree, etree.SubElement(element, "text"), text)
    _text(etree, element, "feedback", answer.feedback, "html")
    return element


def _choice(etree, element, question: GiftQuestion) -> None:
    _value(etree, element, "single", "true" if question.qtype == "single" else "false")
    _value(etree, element, "shuffleanswers", "true")
    _value(etree, element, "answernumbering", "abc")
    for answer in question.answers:
        _answer(etree, element, answer, answer.text, "html")


def _truefalse(etree, element, question: GiftQuestion) -> None:
    for word, feedback in (("true", question.feedback_true), ("false", question.feedback_false)):
        right = (word == "true") == bool(question.correct)
        _answer(etree, element, Answer(fraction=1.0 if right else 0.0, feedback=feedback), word,
                "moodle_auto_format")


def _shortanswer(etree, element, question: GiftQuestion) -> None:
    _value(etree, element, "usecase", "1" if question.case_sensitive else "0")
    for answer in question.answers:
        _answer(etree, element, answer, answer.text, "moodle_auto_format")


def _numerical(etree, element, question: GiftQuestion) -> None:
    for answer in question.answers:
        value, tolerance = answer.value, answer.tolerance or 0.0
        if answer.minimum is not None and answer.maximum is not None:
            value = (answer.minimum + answer.maximum) / 2
            tolerance = (answer.maximum - answer.minimum) / 2
        written = _answer(etree, element, answer, _number(value or 0.0), "moodle_auto_format")
        _value(etree, written, "tolerance", _number(tolerance))


def _matching(etree, element, question: GiftQuestion) -> None:
    _value(etree, element, "shuffleanswers", "true")
    for answer in question.answers:
        sub = _text(etree, element, "subquestion", answer.text, "html")
        match = etree.SubElement(sub, "answer")
        _set_text(etree, etree.SubElement(match, "text"), answer.match)


def _essay(etree, element, question: GiftQuestion) -> None:
    for tag, value in (("responseformat", "editor"), ("responserequired", "1"),
                       ("responsefieldlines", "15"), ("minwordlimit", ""), ("maxwordlimit", ""),
                       ("attachments", "0"), ("attachmentsrequired", "0"), ("maxbytes", "0"),
                       ("filetypeslist", "")):
        _value(etree, element, tag, value)
    _text(etree, element, "graderinfo", question.grader_info, "html")
    _text(etree, element, "responsetemplate", "", "html")


def _nothing(etree, element, question: GiftQuestion) -> None:
    """A description has no answer."""


def _gapselect(etree, element, question: GiftQuestion) -> None:
    """Moodle's order: shuffle, combined feedback, then the choices with their groups."""
    _value(etree, element, "shuffleanswers", "1" if question.shuffle else "0")
    for tag, text in (("correctfeedback", question.correct_feedback),
                      ("partiallycorrectfeedback", question.partial_feedback),
                      ("incorrectfeedback", question.incorrect_feedback)):
        _text(etree, element, tag, text, "html")
    for answer in question.answers:
        option = etree.SubElement(element, "selectoption")
        _set_text(etree, etree.SubElement(option, "text"), answer.text)
        _value(etree, option, "group", str(answer.group))


_WRITERS = {"single": _choice, "multiple": _choice, "truefalse": _truefalse,
            "shortanswer": _shortanswer, "numerical": _numerical, "matching": _matching,
            "essay": _essay, DESCRIPTION: _nothing, "gapselect": _gapselect, "cloze": _nothing}
