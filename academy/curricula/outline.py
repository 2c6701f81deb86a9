"""A course's outline for its readers: modules and lessons with their titles, as plain rows.

The course page, the lesson page and the quiz pages show titles, kinds and minutes, never the
lessons' bodies. Loading the outline as ORM objects brought every lesson's Markdown in every
language and cost 40 % of those pages (issue 14); two statements of plain rows cost a tenth of it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from academy.curricula.models import Lesson, LessonText, Module, ModuleText
from academy.extensions import db


@dataclass(frozen=True)
class Title:
    """A module's or lesson's title in one language (what `best_text` and `text_of` read)."""

    locale: str
    title: str


@dataclass
class OutlineLesson:
    id: int
    module_id: int
    slug: str
    position: int
    kind: str
    minutes: int
    texts: list[Title] = field(default_factory=list)


@dataclass
class OutlineModule:
    id: int
    slug: str
    position: int
    texts: list[Title] = field(default_factory=list)
    lessons: list[OutlineLesson] = field(default_factory=list)


@dataclass
class Outline:
    modules: list[OutlineModule]

    @property
    def lessons(self) -> list[OutlineLesson]:
        """Every current lesson, in course order (across modules)."""
        return [lesson for module in self.modules for lesson in module.lessons]

    def lesson(self, lesson_id: int) -> OutlineLesson | None:
        return next((lesson for lesson in self.lessons if lesson.id == lesson_id), None)


def outline_of(course_id: int) -> Outline:
    """The current modules and lessons of a course, in order, with their titles."""
    modules: dict[int, OutlineModule] = {}
    rows = db.session.execute(
        select(Module.id, Module.slug, Module.position, ModuleText.locale, ModuleText.title)
        .outerjoin(ModuleText, ModuleText.module_id == Module.id)
        .where(Module.course_id == course_id, Module.removed_at.is_(None))
        .order_by(Module.position, Module.id))
    for module_id, slug, position, locale, title in rows:
        module = modules.get(module_id)
        if module is None:
            module = modules[module_id] = OutlineModule(module_id, slug, position)
        if locale is not None:
            module.texts.append(Title(locale, title))
    lessons: dict[int, OutlineLesson] = {}
    rows = db.session.execute(
        select(Lesson.id, Lesson.module_id, Lesson.slug, Lesson.position, Lesson.kind,
               Lesson.minutes, LessonText.locale, LessonText.title)
        .join(Module, Module.id == Lesson.module_id)
        .outerjoin(LessonText, LessonText.lesson_id == Lesson.id)
        .where(Module.course_id == course_id, Module.removed_at.is_(None),
               Lesson.removed_at.is_(None))
        .order_by(Lesson.position, Lesson.id))
    for lesson_id, module_id, slug, position, kind, minutes, locale, title in rows:
        lesson = lessons.get(lesson_id)
        if lesson is None:
            lesson = lessons[lesson_id] = OutlineLesson(lesson_id, module_id, slug, position, kind,
                                                        minutes or 0)
            modules[module_id].lessons.append(lesson)
        if locale is not None:
            lesson.texts.append(Title(locale, title))
    return Outline(list(modules.values()))


def lesson_texts(lesson_id: int) -> list[LessonText]:
    """One lesson's texts, bodies included (the page being read)."""
    return list(db.session.scalars(select(LessonText).where(LessonText.lesson_id == lesson_id)))
