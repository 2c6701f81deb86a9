"""Each Moodle question type of a backup as the GiftQuestion the rest of Campus imports.

A type Campus has no equivalent for raises Unsupported (the preview counts it, the import skips
it); a question Campus cannot hold as it is raises GiftError with its line in questions.xml.
Cloze (multianswer) and select missing words (gapselect) are in gaps.py.
"""
from __future__ import annotations

from academy.i18n import lazy_gettext as _l
from academy.moodle import xml
from academy.moodle.files import CourseFiles
from academy.moodle.markdown import question_format
from academy.moodle.questions import QuestionBank, RawQuestion
from academy.quizzes.gift import DESCRIPTION, Answer, GiftError, GiftQuestion

RANDOM = "random"


class Unsupported(Exception):
    """A question Campus cannot take; `reason` says why (for the preview)."""

    def __init__(self, reason) -> None:
        super().__init__(str(reason))
        self.reason = reason


class Texts:
    """A question's words with their `@@PLUGINFILE@@` links pointing at the course's files."""

    def __init__(self, raw: RawQuestion, bank: QuestionBank, files: CourseFiles) -> None:
        category = bank.categories.get(raw.category_id)
        self.context = category.context_id if category else ""
        self.raw, self.files = raw, files

    def question(self, path: str, area: str) -> str:
        return self.files.rewrite(xml.text(self.raw.element, path), self.context, "question",
                                  area, self.raw.id)

    def answer(self, element, path: str, area: str) -> str:
        return self.files.rewrite(xml.text(element, path), self.context, "question", area,
                                  element.get("id", ""))


def plugin(raw: RawQuestion, qtype: str | None = None):
    """The question's type-specific element (`plugin_qtype_multichoice_question`)."""
    return raw.element.find(f"plugin_qtype_{qtype or raw.qtype}_question")


def answers(raw: RawQuestion, texts: Texts,
            qtype: str | None = None) -> list[tuple[object, Answer]]:
    """(element, Answer) of each answer; fractions as Moodle stores them in backups (0..1)."""
    found = []
    holder = plugin(raw, qtype)
    for element in holder.iterfind("answers/answer") if holder is not None else []:
        fraction = xml.number(element, "fraction")
        if not -1 <= fraction <= 1:
            raise GiftError(raw.line, _l("The weight %(value)s%% is outside -100%% to 100%%.",
                                         value=format(fraction * 100, "g")))
        found.append((element, Answer(text=texts.answer(element, "answertext", "answer"),
                                      fraction=fraction,
                                      feedback=texts.answer(element, "feedback",
                                                            "answerfeedback"))))
    return found


def to_gift(raw: RawQuestion, bank: QuestionBank, files: CourseFiles) -> GiftQuestion:
    """The question as Campus imports it. Raises Unsupported or GiftError."""
    from academy.moodle import gaps

    readers = {**_READERS, "multianswer": gaps.cloze, "gapselect": gaps.gapselect}
    reader = readers.get(raw.qtype)
    if reader is None:
        raise Unsupported(_l("Campus has no “%(type)s” questions.", type=raw.qtype))
    texts = Texts(raw, bank, files)
    question = GiftQuestion(raw.line, raw.name, bank.path(raw.category_id), "",
                            texts.question("questiontext", "questiontext"),
                            question_format(xml.whole(raw.element, "questiontextformat", 1)),
                            general_feedback=texts.question("generalfeedback", "generalfeedback"))
    if not question.text:
        raise GiftError(raw.line, _l("The question has no text."))
    reader(raw, texts, question, bank)
    return question


def _choice(raw, texts, question, _bank) -> None:
    options = plugin(raw).find("multichoice") if plugin(raw) is not None else None
    single = xml.text(options, "single", "1") not in ("0", "false")
    question.qtype = "single" if single else "multiple"
    question.answers = [answer for _element, answer in answers(raw, texts)]
    check_choices(raw.line, question.answers, single)


def check_choices(line: int, choices: list[Answer], single: bool) -> None:
    """The rules a choice question (or a Cloze choice gap) must follow. Raises GiftError."""
    if len(choices) < 2:
        raise GiftError(line, _l("A choice question needs at least two answers."))
    if any(not a.text for a in choices):
        raise GiftError(line, _l("An answer is empty."))
    if single and not any(abs(a.fraction - 1) < 1e-6 for a in choices):
        raise GiftError(line, _l("A single-choice question needs one answer worth 100%."))
    if not single and sum(a.fraction for a in choices if a.fraction > 0) < 0.99:
        raise GiftError(line, _l(
            "The positive weights of a multiple-choice question must add up to 100%."))
    for answer in choices:
        if abs(answer.fraction - 1) < 1e-6:
            answer.fraction = 1.0


def _truefalse(raw, texts, question, _bank) -> None:
    options = plugin(raw).find("truefalse") if plugin(raw) is not None else None
    by_id = {element.get("id"): answer for element, answer in answers(raw, texts)}
    right = by_id.get(xml.text(options, "trueanswer"))
    wrong = by_id.get(xml.text(options, "falseanswer"))
    if right is None or wrong is None:
        raise GiftError(raw.line, _l("A true/false question needs one answer “true” and one "
                                     "“false”."))
    question.qtype = "truefalse"
    question.correct = right.fraction >= 0.999
    question.feedback_true, question.feedback_false = right.feedback, wrong.feedback


def _shortanswer(raw, texts, question, _bank) -> None:
    question.qtype = "shortanswer"
    question.case_sensitive = xml.flag(plugin(raw), "shortanswer/usecase")
    question.answers = [answer for _element, answer in answers(raw, texts)]
    if not question.answers:
        raise GiftError(raw.line, _l("The question has no answers."))
    if any(not a.text for a in question.answers):
        raise GiftError(raw.line, _l("An answer is empty."))


def numerical_answers(raw: RawQuestion, texts: Texts) -> list[Answer]:
    """A numerical question's answers with their tolerances; a `*` worth nothing is left out."""
    tolerances = {xml.text(r, "answer"): abs(xml.number(r, "tolerance"))
                  for r in plugin(raw, "numerical").iterfind("numerical_records/numerical_record")}
    found = []
    for element, answer in answers(raw, texts, "numerical"):
        if answer.text == "*":
            if answer.fraction > 0:
                raise GiftError(raw.line, _l(
                    "A numerical answer “*” (any other number) cannot be worth marks."))
            continue
        try:
            answer.value = float(answer.text)
        except ValueError:
            raise GiftError(raw.line, _l("“%(text)s” is not a number.", text=answer.text)) from None
        answer.tolerance, answer.text = tolerances.get(element.get("id"), 0.0), ""
        found.append(answer)
    if not found:
        raise GiftError(raw.line, _l("The question has no answers."))
    return found


def _numerical(raw, texts, question, _bank) -> None:
    question.qtype = "numerical"
    if plugin(raw) is None:
        raise GiftError(raw.line, _l("The question has no answers."))
    question.answers = numerical_answers(raw, texts)


def _matching(raw, texts, question, _bank) -> None:
    question.qtype = "matching"
    holder = plugin(raw, "match")
    for element in holder.iterfind("matches/match") if holder is not None else []:
        item = texts.answer(element, "questiontext", "subquestion")
        match = xml.text(element, "answertext")
        if not item:
            continue  # a distractor: Campus grades every pair as an item to answer
        if not match:
            raise GiftError(raw.line, _l("An answer is empty."))
        question.answers.append(Answer(text=item, match=match, fraction=1.0))
    if len(question.answers) < 2:
        raise GiftError(raw.line, _l("A matching question needs at least two pairs."))


def _essay(raw, texts, question, _bank) -> None:
    question.qtype = "essay"
    graderinfo = xml.text(raw.element, "plugin_qtype_essay_question/essay/graderinfo")
    question.grader_info = texts.files.rewrite(graderinfo, texts.context, "qtype_essay",
                                               "graderinfo", raw.id)


def _description(raw, texts, question, _bank) -> None:
    question.qtype = DESCRIPTION


_READERS = {"multichoice": _choice, "truefalse": _truefalse, "shortanswer": _shortanswer,
            "numerical": _numerical, "match": _matching, "essay": _essay,
            "description": _description}
