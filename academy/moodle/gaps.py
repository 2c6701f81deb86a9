"""Cloze (Moodle's multianswer, embedded answers) and select missing words (gapselect), in the
shapes of the shared contract for these two types: a GiftQuestion of type "cloze" with `gaps`
(text with {#n} placeholders), and one of type "gapselect" whose answers carry their `group`
(text with [[n]] places) and `shuffle`.

A Cloze question's text keeps Moodle's own {#1}, {#2}...; its gaps are the questions listed in
its `sequence` (each stored in the backup as a question whose parent is the Cloze question):
shortanswer, numerical or multichoice (single: a menu or radio buttons by its layout; several
answers: multiresponse). A gap's mark (defaultmark) is its weight.
"""
from __future__ import annotations

from academy.i18n import lazy_gettext as _l
from academy.moodle import xml
from academy.moodle.qtypes import Texts, answers, check_choices, numerical_answers, plugin
from academy.quizzes import gapselect as gapselect_rules
from academy.quizzes.gift import Answer, Gap, GiftError

LAYOUTS = {0: "dropdown", 1: "vertical", 2: "horizontal"}
COMBINED_FEEDBACK = {"correct_feedback": "correctfeedback",
                     "partial_feedback": "partiallycorrectfeedback",
                     "incorrect_feedback": "incorrectfeedback"}


def cloze(raw, texts: Texts, question, bank) -> None:
    """A multianswer question and its gaps. Raises GiftError."""
    holder = plugin(raw)
    sequence = xml.text(holder.find("multianswer") if holder is not None else None, "sequence")
    ids = [part.strip() for part in sequence.split(",") if part.strip()]
    if not ids:
        raise GiftError(raw.line, _l("The Cloze question has no gaps."))
    question.qtype, question.gaps = "cloze", []
    for number, child_id in enumerate(ids, start=1):
        child = bank.every.get(child_id)
        if child is None:
            raise GiftError(raw.line, _l("Gap %(n)d of the Cloze question is missing from the "
                                         "backup.", n=number))
        if f"{{#{number}}}" not in question.text:
            raise GiftError(raw.line, _l("The Cloze question's text has no place {#%(n)d}.",
                                         n=number))
        question.gaps.append(_gap(child, Texts(child, bank, texts.files)))


def _gap(child, texts: Texts):
    weight = max(1, round(xml.number(child.element, "defaultmark", 1)))
    if child.qtype == "shortanswer":
        found = [answer for _element, answer in answers(child, texts)]
        if not found or any(not a.text for a in found):
            raise GiftError(child.line, _l("An answer is empty."))
        return Gap(kind="shortanswer", weight=weight, answers=found,
                   case_sensitive=xml.flag(plugin(child), "shortanswer/usecase"))
    if child.qtype == "numerical":
        return Gap(kind="numerical", weight=weight,
                   answers=numerical_answers(child, texts))
    if child.qtype in ("multichoice", "multiresponse"):
        options = plugin(child).find("multichoice") if plugin(child) is not None else None
        single = child.qtype == "multichoice" and xml.text(options, "single", "1") not in ("0",)
        found = [answer for _element, answer in answers(child, texts)]
        check_choices(child.line, found, single)
        layout = LAYOUTS.get(xml.whole(options, "layout"), "dropdown")
        if not single and layout == "dropdown":
            layout = "vertical"
        return Gap(kind="multichoice" if single else "multiresponse", weight=weight,
                   layout=layout, shuffle=xml.flag(options, "shuffleanswers"), answers=found)
    raise GiftError(child.line, _l("A Cloze gap of type “%(type)s” cannot be read.",
                                   type=child.qtype))


def gapselect(raw, texts: Texts, question, _bank) -> None:
    """A select-missing-words question: choices with their groups, places [[n]] in the text."""
    question.qtype = gapselect_rules.QTYPE
    question.answers = []
    for element, answer in answers(raw, texts):
        group = xml.text(element, "feedback") or "1"  # Moodle keeps the group in `feedback`
        if not group.isdigit() or not 1 <= int(group) <= 20:
            raise GiftError(raw.line, _l("A choice's group must be a number from 1 to 20."))
        if not answer.text:
            raise GiftError(raw.line, _l("An answer is empty."))
        question.answers.append(Answer(text=answer.text, fraction=0.0, group=int(group)))
    question.shuffle = xml.flag(plugin(raw), "gapselect/shuffleanswers")
    for name, moodle in COMBINED_FEEDBACK.items():
        setattr(question, name, texts.question(
            f"plugin_qtype_gapselect_question/gapselect/{moodle}", moodle))
    found = gapselect_rules.problems(question)  # the bank editor's and Moodle XML's own checks
    if found:
        raise GiftError(raw.line, found[0][1])
