"""Turning a checked package into a course of an academy (all of it, or nothing)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from academy.curricula import files
from academy.curricula.models import (PAGE, Course, CourseFile, CourseText, Lesson, LessonText, Module, ModuleText)
from academy.quizzes.models import Question, QuestionText
from academy.packages.reader import CourseData, PackageInvalid, Problem
from academy.extensions import db
from academy.quizzes.gift import GiftQuestion
from academy.quizzes.stored import question_content, question_spec


def create_course_from_package(data: CourseData, academy) -> Course:
    """Create the course in `academy` as a draft. Raises PackageInvalid if its slug is taken."""
    taken = select(func.count()).select_from(Course).where(
        Course.academy_id == academy.id, Course.slug == data.slug)
    if db.session.scalar(taken):
        raise PackageInvalid([Problem("course.toml", None, _l(
            "The academy already has a course with the short name “%(slug)s”.", slug=data.slug))])
    course = Course(academy=academy, slug=data.slug, default_locale=data.default_locale,
                    locales=list(data.locales), version=data.version, hours=data.hours,
                    tags=list(data.tags), visibility="academy")
    for locale in data.locales:
        if data.titles.get(locale) or data.summaries.get(locale):
            course.texts.append(CourseText(locale=locale, title=data.titles.get(locale, ""),
                                           summary=data.summaries.get(locale, "")))
    db.session.add(course)
    for name, content in data.files.items():
        course.files.append(CourseFile(name=name, sha256=files.store(content),
                                       content_type=files.sniff(content, name), size=len(content)))
    for position, module_data in enumerate(data.modules, start=1):
        module = Module(slug=module_data.slug, position=position,
                        texts=[ModuleText(locale=l, title=t) for l, t in module_data.titles.items()])
        course.modules.append(module)
        for lesson_position, lesson_data in enumerate(module_data.lessons, start=1):
            module.lessons.append(_lesson(course, lesson_data, lesson_position))
    db.session.flush()
    return course


def _lesson(course: Course, data, position: int) -> Lesson:
    lesson = Lesson(slug=data.slug, position=position, kind=data.kind, minutes=data.minutes,
                    settings=dict(data.quiz.settings) if data.quiz else {})
    for locale, title in data.titles.items():
        lesson.texts.append(LessonText(locale=locale, title=title,
                                       body=data.bodies.get(locale, "") if data.kind == PAGE else ""))
    if data.quiz:
        _questions(course, lesson, data.quiz.questions)
    return lesson


def _questions(course: Course, lesson: Lesson, by_locale: dict[str, list[GiftQuestion]]) -> None:
    reference = by_locale[course.default_locale]
    for index, question in enumerate(reference):
        row = Question(course=course, lesson=lesson, ident=question.ident,
                       category=question.category, position=index + 1, qtype=question.qtype,
                       spec=question_spec(question))
        for locale, questions in by_locale.items():
            row.texts.append(QuestionText(locale=locale, content=question_content(questions[index])))
        db.session.add(row)
