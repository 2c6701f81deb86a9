"""A quiz activity's settings and slots (quiz.xml, and its pass grade in grades.xml), in
Campus's terms. What does not map is said in `notes`."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

from academy.i18n import lazy_gettext as _l
from academy.moodle import xml
from academy.quizzes import settings as quiz_settings

GRADE_METHODS = {1: quiz_settings.HIGHEST, 2: quiz_settings.AVERAGE, 3: quiz_settings.FIRST,
                 4: quiz_settings.LAST}
# Moodle's review option bits: during the attempt, immediately after, later while the quiz is
# open, after it closes.
DURING, IMMEDIATELY, LATER, AFTER_CLOSE = 0x10000, 0x01000, 0x00100, 0x00010
REVIEWS = {"review_score": "reviewmarks", "review_feedback": "reviewspecificfeedback",
           "review_answers": "reviewrightanswer"}


@dataclass
class MoodleSlot:
    number: int
    page: int
    mark: float
    question_id: str = ""  # 3.9: a question's id
    entry_id: str = ""  # 4.x: a question bank entry's id
    random_category: str = ""  # a random slot's category id
    subcategories: bool = False


@dataclass
class MoodleQuiz:
    settings: dict
    slots: list[MoodleSlot] = field(default_factory=list)
    notes: list = field(default_factory=list)


def read_quiz(root, grades) -> MoodleQuiz:
    """The `<activity>` of quiz.xml (and grades.xml's root, or None) in Campus's terms."""
    quiz = root.find("quiz")
    settings = {
        "time_limit_minutes": _within(math.ceil(xml.number(quiz, "timelimit") / 60), 24 * 60),
        "attempts": _within(xml.whole(quiz, "attempts_number"), 100),
        "pass_mark": _pass_mark(grades),
        "grading_method": GRADE_METHODS.get(xml.whole(quiz, "grademethod", 1),
                                            quiz_settings.HIGHEST),
        "questions_per_page": _within(xml.whole(quiz, "questionsperpage", 1), 100),
        "shuffle_choices": xml.flag(quiz, "shuffleanswers"),
        "shuffle_questions": any(xml.flag(s, "shufflequestions")
                                 for s in quiz.iterfind("sections/section")),
    }
    notes = []
    for key, name in REVIEWS.items():
        settings[key] = _review(xml.whole(quiz, name))
    if xml.whole(quiz, "reviewmarks") & LATER and not xml.whole(quiz, "reviewmarks") & IMMEDIATELY:
        notes.append(_l("Review “later, while the quiz is still open” becomes “after the quiz "
                        "closes”."))
    if xml.text(quiz, "navmethod") == "sequential":
        notes.append(_l("Sequential navigation is not kept: trainees may move freely."))
    if xml.whole(quiz, "timeopen") or xml.whole(quiz, "timeclose"):
        notes.append(_l("Opening and closing dates are not kept: set them on each run of the "
                        "course."))
    return MoodleQuiz(settings, _slots(quiz), notes)


def _within(value: int, most: int) -> int:
    return max(0, min(value, most))


def _review(bits: int) -> str:
    if bits & (DURING | IMMEDIATELY):
        return quiz_settings.IMMEDIATELY
    if bits & (LATER | AFTER_CLOSE):
        return quiz_settings.AFTER_CLOSE
    return quiz_settings.NEVER


def _pass_mark(grades) -> int:
    """The grade to pass as a percentage of the quiz's grade (grades.xml's quiz grade item)."""
    if grades is None:
        return quiz_settings.PACKAGE_DEFAULTS["pass_mark"]
    for item in grades.iter("grade_item"):
        if xml.text(item, "itemtype") == "mod" and xml.whole(item, "itemnumber") == 0:
            top, passing = xml.number(item, "grademax"), xml.number(item, "gradepass")
            if top > 0:
                return max(0, min(100, round(passing / top * 100)))
            break
    return quiz_settings.PACKAGE_DEFAULTS["pass_mark"]


def _slots(quiz) -> list[MoodleSlot]:
    slots = []
    for number, element in enumerate(quiz.iterfind("question_instances/question_instance"), 1):
        slot = MoodleSlot(xml.whole(element, "slot", number), max(1, xml.whole(element, "page", 1)),
                          xml.number(element, "maxmark", 1))
        reference = element.find("question_reference")
        chosen = element.find("question_set_reference")
        if reference is not None:
            slot.entry_id = xml.text(reference, "questionbankentryid")
        elif chosen is not None:
            slot.random_category, slot.subcategories = _filter(xml.text(chosen, "filtercondition"))
        else:
            slot.question_id = xml.text(element, "questionid")
            slot.random_category = xml.text(element, "questioncategoryid")
            slot.subcategories = xml.flag(element, "includingsubcategories")
        slots.append(slot)
    return sorted(slots, key=lambda s: s.number)


def _filter(condition: str) -> tuple[str, bool]:
    """The category of a random slot's filter: Moodle 4.0-4.2 and 4.3+ write it differently."""
    try:
        found = json.loads(condition or "{}")
    except ValueError:
        return "", False
    if not isinstance(found, dict):
        return "", False
    if "questioncategoryid" in found:
        return str(found["questioncategoryid"]), bool(int(found.get("includingsubcategories") or 0))
    category = (found.get("filter") or {}).get("category") or {}
    values = category.get("values") or [""]
    options = category.get("filteroptions") or {}
    return str(values[0]), bool(options.get("includesubcategories"))
