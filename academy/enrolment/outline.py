"""A course's outline for one reader: modules and lessons with their titles and the lessons the
reader has done, as plain rows.

The course page and the lesson page show titles, kinds and minutes, never the lessons' bodies.
Loading the outline as ORM objects brought every lesson's Markdown in every language and cost
40 % of those pages (issue 14); one statement of plain rows costs a tenth of it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, literal, select, union_all

from academy.curricula.models import Lesson, LessonText, Module, ModuleText
from academy.enrolment.models import LessonProgress
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
    done: bool = False  # by the reader the outline was read for


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

    @property
    def done(self) -> set[int]:
        """The lessons the reader has done."""
        return {lesson.id for lesson in self.lessons if lesson.done}

    @property
    def next_lesson(self) -> OutlineLesson | None:
        """Where the reader goes on: the first lesson, in course order, not done yet."""
        return next((lesson for lesson in self.lessons if not lesson.done), None)


def outline_of(course_id: int, reader_id: int | None = None) -> Outline:
    """The current modules and lessons of a course, in order, with their titles and which the
    reader has done (one statement: modules and lessons side by side, each row with one of its
    titles)."""
    modules_part = (
        select(literal(0).label("is_lesson"), Module.id, Module.id.label("module_id"), Module.slug,
               Module.position, literal("").label("kind"), literal(0).label("minutes"),
               literal(False).label("done"), ModuleText.locale, ModuleText.title)
        .outerjoin(ModuleText, ModuleText.module_id == Module.id)
        .where(Module.course_id == course_id, Module.removed_at.is_(None)))
    lessons_part = (
        select(literal(1), Lesson.id, Lesson.module_id, Lesson.slug, Lesson.position, Lesson.kind,
               Lesson.minutes, LessonProgress.id.is_not(None), LessonText.locale, LessonText.title)
        .join(Module, Module.id == Lesson.module_id)
        .outerjoin(LessonProgress, and_(LessonProgress.lesson_id == Lesson.id,
                                        LessonProgress.user_id == (reader_id or 0)))
        .outerjoin(LessonText, LessonText.lesson_id == Lesson.id)
        .where(Module.course_id == course_id, Module.removed_at.is_(None),
               Lesson.removed_at.is_(None)))
    modules: dict[int, OutlineModule] = {}
    lessons: dict[int, OutlineLesson] = {}
    for is_lesson, id_, module_id, slug, position, kind, minutes, done, locale, title in \
            db.session.execute(union_all(modules_part, lessons_part)):
        if is_lesson:
            item = lessons.get(id_)
            if item is None:
                item = lessons[id_] = OutlineLesson(id_, module_id, slug, position, kind,
                                                    minutes or 0, done=bool(done))
        else:
            item = modules.get(id_)
            if item is None:
                item = modules[id_] = OutlineModule(id_, slug, position)
        if locale is not None:
            item.texts.append(Title(locale, title))
    ordered = sorted(modules.values(), key=lambda module: (module.position, module.id))
    for lesson in sorted(lessons.values(), key=lambda lesson: (lesson.position, lesson.id)):
        modules[lesson.module_id].lessons.append(lesson)
    return Outline(ordered)


def lesson_texts(lesson_id: int) -> list[LessonText]:
    """One lesson's texts, bodies included (the page being read)."""
    return list(db.session.scalars(select(LessonText).where(LessonText.lesson_id == lesson_id)))
