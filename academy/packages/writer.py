"""Writing a course back as a package: the files that read_package turns into the same course."""
from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from academy.curricula.files import stored_path
from academy.curricula.models import PAGE, Course, Lesson, Module
from academy.extensions import db
from academy.packages.reader import FORMAT
from academy.quizzes import settings as quiz_settings
from academy.quizzes.gift_writer import GIFT_TYPES, gift_file
from academy.quizzes.models import Question, QuizSlot
from academy.quizzes.moodle_xml_writer import moodle_xml_file
from academy.quizzes.stored import as_gift

# A file with a type GIFT does not hold (gift_writer.GIFT_TYPES: embedded answers, select missing
# words) is written as Moodle XML, which holds them all.


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
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + "}"
    return _toml_string(str(value))


def _toml(values: dict, tables: dict[str, dict[str, str]]) -> bytes:
    lines = [f"{key} = {_toml_value(value)}" for key, value in values.items()]
    for name, table in tables.items():
        if table:
            lines += ["", f"[{name}]", *[f"{k} = {_toml_string(v)}" for k, v in table.items()]]
    return ("\n".join(lines) + "\n").encode()


def _entry(position: int, lesson: Lesson, numbered: bool) -> str:
    return f"{position:02d}-{lesson.slug}" if lesson.kind == PAGE and numbered else lesson.slug


def export_course(course_id: int, numbered: bool = True) -> dict[str, bytes]:
    """The package files of a course, keyed by their path inside the package folder.

    Unnumbered (`numbered=False`: `practice/cells.es.md`, not `02-practice/01-cells.es.md`), a
    lesson keeps its paths when others are added or moved: versions compare file by file."""
    course = db.session.scalar(
        select(Course).where(Course.id == course_id).options(
            selectinload(Course.modules).selectinload(Module.lessons)))
    quizzes = [lesson for module in course.modules for lesson in module.lessons
               if lesson.kind != PAGE]
    layout = _layout(course.id, quizzes)
    files: dict[str, bytes] = {}
    folders = [f"{i:02d}-{m.slug}" if numbered else m.slug
               for i, m in enumerate(course.modules, start=1)]
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
    for folder, module in zip(folders, course.modules, strict=True):
        entries = [_entry(i, lesson, numbered) for i, lesson in enumerate(module.lessons, start=1)]
        files[f"{folder}/module.toml"] = _toml(
            {"lessons": entries}, {"title": {t.locale: t.title for t in module.texts if t.title}})
        for entry, lesson in zip(entries, module.lessons, strict=True):
            if lesson.kind == PAGE:
                _page_files(files, folder, entry, lesson)
            else:
                _quiz_files(files, f"{folder}/{entry}", lesson, course, *layout[lesson.id])
    _gift_files(files, "bank", course, layout[None][0])
    return files


def _layout(course_id: int, quizzes: list[Lesson]) -> dict:
    """For each quiz: (the questions its file holds, its slots). A question is written in the
    file of the first quiz that holds it; the course's other questions go to the bank file
    (under the key None)."""
    questions = list(db.session.scalars(
        select(Question).where(Question.course_id == course_id).order_by(Question.position,
                                                                          Question.id)))
    slots = db.session.scalars(select(QuizSlot).where(
        QuizSlot.lesson_id.in_([quiz.id for quiz in quizzes] or [0])).order_by(QuizSlot.position))
    by_quiz: dict[int, list[QuizSlot]] = {quiz.id: [] for quiz in quizzes}
    for slot in slots:
        by_quiz[slot.lesson_id].append(slot)
    by_id = {question.id: question for question in questions}
    homed: set[int] = set()
    layout: dict = {}
    for quiz in quizzes:
        own = [by_id[s.question_id] for s in by_quiz[quiz.id]
               if s.question_id is not None and s.question_id not in homed]
        homed.update(question.id for question in own)
        layout[quiz.id] = (own, by_quiz[quiz.id])
    layout[None] = ([q for q in questions if q.id not in homed], [])
    return layout


def _page_files(files, folder: str, entry: str, lesson: Lesson) -> None:
    for text in lesson.texts:
        if not text.title:
            continue
        head = f"+++\ntitle = {_toml_string(text.title)}\nminutes = {lesson.minutes}\n+++\n\n"
        files[f"{folder}/{entry}.{text.locale}.md"] = (head + text.body.strip() + "\n").encode()


def _quiz_files(files, stem: str, lesson: Lesson, course: Course, questions: list[Question],
                slots: list[QuizSlot]) -> None:
    settings = quiz_settings.for_package(lesson.settings)
    if not _is_plain(questions, slots, settings.get("questions_per_page", 5)):
        settings["slots"] = [_slot_entry(slot) for slot in slots]
    files[f"{stem}.toml"] = _toml(
        settings, {"title": {t.locale: t.title for t in lesson.texts if t.title},
                   "introduction": {t.locale: t.body for t in lesson.texts if t.body.strip()}})
    _gift_files(files, stem, course, questions)


def _is_plain(questions: list[Question], slots: list[QuizSlot], per_page: int) -> bool:
    """Whether the slots are just the file's questions in order, worth 1 mark each, paged by
    the quiz's questions per page: then the package needs no list of slots."""
    return bool(slots) and [s.question_id for s in slots] == [q.id for q in questions] and \
        all(s.mark == 1 for s in slots) and \
        all(s.page == (i // per_page + 1 if per_page else 1) for i, s in enumerate(slots))


def _slot_entry(slot: QuizSlot) -> dict:
    entry = {"question": slot.question.ident} if slot.question_id else {"random": slot.category}
    if slot.mark != 1:
        entry["mark"] = int(slot.mark) if slot.mark == int(slot.mark) else slot.mark
    entry["page"] = slot.page
    return entry


def _needs_xml(question: Question) -> bool:
    """Whether GIFT would lose something of the question: its type, or an essay's information
    for graders."""
    return question.qtype not in GIFT_TYPES or \
        any(text.content.get("grader_info") for text in question.texts)


def _gift_files(files, stem: str, course: Course, questions: list[Question]) -> None:
    """`<stem>.<locale>.gift` for every language all the questions are written in, or
    `<stem>.<locale>.xml` (Moodle XML) when a question is of a type GIFT cannot hold."""
    in_xml = any(_needs_xml(q) for q in questions)
    for locale in course.locales:
        contents = [next((t.content for t in q.texts if t.locale == locale), None)
                    for q in questions]
        if None in contents or not questions:  # a language not (fully) written in: no file
            continue
        if in_xml:
            files[f"{stem}.{locale}.xml"] = moodle_xml_file(
                [as_gift(q, content) for q, content in zip(questions, contents, strict=True)])
            continue
        text = gift_file(zip(questions, contents, strict=True))
        if text:
            files[f"{stem}.{locale}.gift"] = text.encode()
