"""questions.xml: the question categories of a backup and their questions, in the shapes of
Moodle 4.x (question bank entries, whose latest version is taken) and of 3.9-3.11 (questions
straight under their category)."""
from __future__ import annotations

from dataclasses import dataclass, field

from academy.moodle import xml
from academy.moodle.backup import Backup

QUESTIONS_XML = "questions.xml"


@dataclass
class Category:
    id: str
    name: str
    parent: str
    context_id: str


@dataclass
class RawQuestion:
    id: str
    element: object  # the <question> element
    category_id: str
    parent: str  # "0", or the multianswer (Cloze) question it is a gap of
    qtype: str
    name: str
    entry_id: str = ""  # Moodle 4.x: its question bank entry

    @property
    def line(self) -> int:
        return self.element.sourceline or 1


@dataclass
class QuestionBank:
    categories: dict[str, Category] = field(default_factory=dict)
    every: dict[str, RawQuestion] = field(default_factory=dict)  # every version, by id
    latest: list[RawQuestion] = field(default_factory=list)  # the bank: top questions, in order
    by_entry: dict[str, RawQuestion] = field(default_factory=dict)

    def path(self, category_id: str) -> str:
        """`Parent/Child` of a category, without Moodle's `top` roots."""
        names, seen = [], set()
        category = self.categories.get(category_id)
        while category is not None and category.id not in seen:
            seen.add(category.id)
            if not (category.parent in ("", "0") and category.name == "top"):
                names.append(category.name.replace("/", "-"))
            category = self.categories.get(category.parent)
        return "/".join(reversed(names))[:200]


def read_questions(backup: Backup) -> QuestionBank:
    """The backup's categories and questions (an empty bank when there is no questions.xml)."""
    bank = QuestionBank()
    root = backup.xml(QUESTIONS_XML, required=False)
    if root is None:
        return bank
    for element in root.iterfind("question_category"):
        category = Category(element.get("id", ""), xml.text(element, "name"),
                            xml.text(element, "parent"), xml.text(element, "contextid"))
        bank.categories[category.id] = category
        for question in element.iterfind("questions/question"):  # 3.9-3.11
            _add(bank, question, category.id, "")
        for entry in element.iterfind("question_bank_entries/question_bank_entry"):  # 4.x
            _add_entry(bank, entry, category.id)
    return bank


def _add_entry(bank: QuestionBank, entry, category_id: str) -> None:
    """Every version of an entry is kept by id (a Cloze question's gaps may be anywhere); the
    latest top-level one joins the bank."""
    latest, latest_version = None, -1
    for version in entry.iter("question_versions"):
        number = xml.whole(version, "version")
        for question in version.iterfind("questions/question"):
            raw = _add(bank, question, category_id, entry.get("id", ""), listed=False)
            if number > latest_version and raw.parent in ("", "0"):
                latest, latest_version = raw, number
    if latest is not None:
        bank.latest.append(latest)
        bank.by_entry[latest.entry_id] = latest


def _add(bank: QuestionBank, element, category_id: str, entry_id: str,
         listed: bool = True) -> RawQuestion:
    raw = RawQuestion(element.get("id", ""), element, category_id,
                      xml.text(element, "parent") or "0", xml.text(element, "qtype"),
                      xml.text(element, "name"), entry_id)
    bank.every[raw.id] = raw
    if listed and raw.parent in ("", "0"):
        bank.latest.append(raw)
    return raw
