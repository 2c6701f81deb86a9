"""The backup's question bank as Campus questions: each supported question once, named uniquely
in the course, in its category; the rest counted and skipped with the reason."""
from __future__ import annotations

from dataclasses import dataclass, field

from academy.i18n import lazy_gettext as _l
from academy.moodle.backup import Backup
from academy.moodle.files import CourseFiles
from academy.moodle.preview import Item, Preview
from academy.moodle.qtypes import RANDOM, Unsupported, to_gift
from academy.moodle.questions import QUESTIONS_XML, QuestionBank, RawQuestion
from academy.quizzes.gift import GiftError, GiftQuestion, name_from_text, unique_name

IDENT_MAX = 100


@dataclass
class MappedBank:
    questions: list[GiftQuestion] = field(default_factory=list)
    idents: dict[str, str] = field(default_factory=dict)  # Moodle question id -> Campus id
    skipped: dict[str, object] = field(default_factory=dict)  # Moodle question id -> reason
    categories: set[str] = field(default_factory=set)  # categories that hold questions

    def ident_of(self, raw: RawQuestion) -> str | None:
        return self.idents.get(raw.id)


def map_bank(backup: Backup, bank: QuestionBank, files: CourseFiles,
             preview: Preview) -> MappedBank:
    """Every top-level question of the bank (random draws are slots, not questions)."""
    mapped, taken = MappedBank(), set()
    for raw in bank.latest:
        if raw.qtype == RANDOM:
            continue
        try:
            question = to_gift(raw, bank, files)
        except Unsupported as skipped:
            mapped.skipped[raw.id] = skipped.reason
            preview.skipped.append(Item(f"{QUESTIONS_XML}:{raw.line}", raw.name, skipped.reason))
            continue
        except GiftError as error:
            backup.problem(QUESTIONS_XML, _l("Question “%(name)s”: %(reason)s", name=raw.name,
                                             reason=error.reason), error.line)
            continue
        base = (raw.name.strip() or name_from_text(question.text))[:IDENT_MAX - 4].strip()
        question.ident = unique_name(base or "question", taken)
        mapped.idents[raw.id] = question.ident
        mapped.questions.append(question)
        mapped.categories.add(question.category)
        preview.question_types[question.qtype] += 1
        _notes(raw, preview)
    return mapped


def _notes(raw: RawQuestion, preview: Preview) -> None:
    where = f"{QUESTIONS_XML}:{raw.line}"
    if raw.element.find("question_hints/question_hint") is not None:
        preview.notes.append(Item(where, raw.name, _l("Hints are not kept by Campus: ignored.")))
