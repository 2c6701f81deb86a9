"""A quiz activity as a Campus quiz lesson: settings, introduction and slots (questions by their
Campus id, random draws by category)."""
from __future__ import annotations

from academy.curricula.models import QUIZ
from academy.i18n import lazy_gettext as _l
from academy.i18n import lazy_ngettext
from academy.moodle import xml
from academy.moodle.backup import Activity, Backup
from academy.moodle.bank import MappedBank
from academy.moodle.files import CourseFiles
from academy.moodle.markdown import to_markdown
from academy.moodle.preview import Item, Preview
from academy.moodle.qtypes import RANDOM
from academy.moodle.questions import QuestionBank
from academy.moodle.quiz import MoodleSlot, read_quiz
from academy.packages.data import LessonData, QuizData, SlotData
from academy.packages.quiz_files import MAX_MARK


def quiz_lesson(backup: Backup, activity: Activity, root, bank: QuestionBank,
                mapped: MappedBank, files: CourseFiles, preview: Preview,
                locale: str) -> LessonData | None:
    element = root.find("quiz")
    if element is None:
        backup.problem(activity.path, _l("The activity's description is missing."))
        return None
    title = xml.text(element, "name") or activity.title
    grades = backup.xml(f"{activity.directory}/grades.xml", required=False)
    moodle = read_quiz(root, grades)
    for note in moodle.notes:
        preview.notes.append(Item(activity.path, title, note))
    slots = []
    for slot in moodle.slots:
        made = _slot(backup, activity, slot, bank, mapped, preview, title)
        if made is not None:
            slots.append(made)
    intro = files.rewrite(xml.text(element, "intro"), root.get("contextid", ""), "mod_quiz",
                          "intro")
    preview.mapped.append(Item(activity.path, title, lazy_ngettext(
        "a quiz of %(num)d question", "a quiz of %(num)d questions", len(slots))))
    return LessonData("", QUIZ, {locale: title[:300]},
                      {locale: to_markdown(intro, xml.whole(element, "introformat", 1))},
                      quiz=QuizData(moodle.settings, {}, slots))


def _slot(backup, activity, slot: MoodleSlot, bank, mapped, preview, title) -> SlotData | None:
    """The Campus slot of a Moodle slot, or None (skipped, with a note; or a problem)."""
    mark = max(0.0, min(float(MAX_MARK), slot.mark))
    raw = bank.by_entry.get(slot.entry_id) if slot.entry_id else bank.every.get(slot.question_id)
    if raw is not None and raw.qtype == RANDOM:  # Moodle 3.9's random slot: a "random" question
        slot.random_category = raw.category_id
        slot.subcategories = xml.text(raw.element, "questiontext") == "1"
    elif slot.entry_id or slot.question_id:
        if raw is None:
            backup.problem(activity.path, _l("Slot %(n)d names a question that is not in "
                                             "questions.xml.", n=slot.number))
            return None
        ident = mapped.ident_of(raw)
        if ident is None:
            reason = mapped.skipped.get(raw.id)
            if reason is not None:
                preview.notes.append(Item(activity.path, title, _l(
                    "Slot %(n)d is left out: its question is skipped.", n=slot.number)))
            return None
        return SlotData(ident, None, mark, slot.page)
    category = bank.path(slot.random_category) if slot.random_category in bank.categories else None
    if category is None or category not in mapped.categories:
        preview.notes.append(Item(activity.path, title, _l(
            "Random slot %(n)d is left out: its category has no question Campus can take.",
            n=slot.number)))
        return None
    if slot.subcategories:
        preview.notes.append(Item(activity.path, title, _l(
            "Random slot %(n)d draws from its category only, not its subcategories.",
            n=slot.number)))
    return SlotData(None, category, mark, slot.page)
