"""Writing a course back as a package: the files that read_package turns into the same course."""
from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from academy.curricula.files import stored_path
from academy.curricula.models import PAGE, Course, Lesson, Module
from academy.quizzes.models import Question
from academy.packages.reader import FORMAT
from academy.extensions import db
from academy.quizzes import settings as quiz_settings
from academy.quizzes.gift_writer import gift_file


def _toml_string(value: str) -> str:
    # A JSON string is a valid TOML basic string (same escapes), multi-line text included.
    return json.dumps(value, ensure_ascii=False)


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return _toml_string(str(value))


def _toml(values: dict, tables: dict[str, dict[str, str]]) -> bytes:
    lines = [f"{key} = {_toml_value(value)}" for key, value in values.items()]
    for name, table in tables.items():
        if table:
            lines += ["", f"[{name}]", *[f"{k} = {_toml_string(v)}" for k, v in table.items()]]
    return ("\n".join(lines) + "\n").encode()


def _entry(position: int, lesson: Lesson) -> str:
    return f"{position:02d}-{lesson.slug}" if lesson.kind == PAGE else lesson.slug


def export_course(course_id: int) -> dict[str, bytes]:
    """The package files of a course, keyed by their path inside the package folder."""
    course = db.session.scalar(
        select(Course).where(Course.id == course_id).options(
            selectinload(Course.modules).selectinload(Module.lessons)))
    questions = db.session.scalars(
        select(Question).where(Question.course_id == course.id).order_by(Question.position))
    by_lesson: dict[int, list[Question]] = {}
    for question in questions:
        by_lesson.setdefault(question.lesson_id, []).append(question)
    files: dict[str, bytes] = {}
    folders = [f"{i:02d}-{m.slug}" for i, m in enumerate(course.modules, start=1)]
    files["course.toml"] = _toml(
        {"format": FORMAT, "slug": course.slug, "owner": course.academy.slug,
         "version": course.version, "default_locale": course.default_locale,
         "locales": list(course.locales), "hours": course.hours, "tags": list(course.tags),
         "visibility": course.visibility, "modules": folders},
        {"title": {t.locale: t.title for t in course.texts if t.title},
         "summary": {t.locale: t.summary for t in course.texts if t.summary}})
    for course_file in course.files:
        path = stored_path(course_file.sha256)
        if path is not None:
            files[f"files/{course_file.name}"] = path.read_bytes()
    for folder, module in zip(folders, course.modules):
        entries = [_entry(i, lesson) for i, lesson in enumerate(module.lessons, start=1)]
        files[f"{folder}/module.toml"] = _toml(
            {"lessons": entries}, {"title": {t.locale: t.title for t in module.texts if t.title}})
        for entry, lesson in zip(entries, module.lessons):
            if lesson.kind == PAGE:
                _page_files(files, folder, entry, lesson)
            else:
                _quiz_files(files, folder, entry, lesson, course, by_lesson.get(lesson.id, []))
    return files


def _page_files(files, folder: str, entry: str, lesson: Lesson) -> None:
    for text in lesson.texts:
        if not text.title:
            continue
        head = f"+++\ntitle = {_toml_string(text.title)}\nminutes = {lesson.minutes}\n+++\n\n"
        files[f"{folder}/{entry}.{text.locale}.md"] = (head + text.body.strip() + "\n").encode()


def _quiz_files(files, folder: str, entry: str, lesson: Lesson, course: Course, questions) -> None:
    files[f"{folder}/{entry}.toml"] = _toml(
        quiz_settings.for_package(lesson.settings),
        {"title": {t.locale: t.title for t in lesson.texts if t.title}})
    for locale in course.locales:
        contents = [next((t.content for t in q.texts if t.locale == locale), None)
                    for q in questions]
        if None in contents:  # a language the quiz is not (fully) written in has no file
            continue
        text = gift_file(zip(questions, contents))
        if text:
            files[f"{folder}/{entry}.{locale}.gift"] = text.encode()
