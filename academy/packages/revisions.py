"""Shared courses change through revisions. A revision is a course of its own (a copy made
through the package writer and reader, as adoption makes one) that the authors edit while the
network keeps the approved version; a coordinator approves it, and its content then updates the
shared course in place, so enrolments, progress and attempts stay with the lessons they belong
to. Every approved version's package text is kept (`CourseVersion`). Never commits.
"""
from __future__ import annotations

from sqlalchemy import select

from academy.curricula import files as course_files
from academy.curricula import operations as course_ops
from academy.curricula.models import (
    REVIEW_APPROVED,
    REVIEW_PENDING,
    Course,
    CourseFile,
    CourseReview,
    CourseText,
    CourseVersion,
    Lesson,
    LessonText,
    Module,
    ModuleText,
)
from academy.curricula.operations import record_course_event, slugify
from academy.db import utcnow
from academy.domain_errors import DomainError
from academy.extensions import db
from academy.i18n import lazy_gettext as _l
from academy.packages import importer
from academy.packages.data import CourseData
from academy.packages.reader import read_package
from academy.packages.writer import export_course
from academy.quizzes.bank import operations as bank_ops
from academy.quizzes.models import Question, QuestionText, QuizSlot
from academy.quizzes.stored import question_content, question_spec

RUN_SETTINGS = ("opens_at", "closes_at")  # a quiz's dates belong to the course's run


def revision_of(course_id: int) -> Course | None:
    """The revision being written of this course, if any."""
    return db.session.scalar(select(Course).where(Course.revision_of_id == course_id))


def package_text(course_id: int) -> dict[str, str]:
    """The course's package as text files without numbered names (images and documents left
    out): what versions are compared by."""
    found = export_course(course_id, numbered=False)
    return {path: data.decode("utf-8") for path, data in sorted(found.items())
            if not path.startswith("files/")}


def keep_version(course: Course) -> CourseVersion:
    """Record what the course's approved version holds."""
    kept = db.session.scalar(select(CourseVersion).where(
        CourseVersion.course_id == course.id, CourseVersion.version == course.version))
    if kept is None:
        kept = CourseVersion(course_id=course.id, version=course.version)
        db.session.add(kept)
    kept.files, kept.approved_at = package_text(course.id), utcnow()
    db.session.flush()
    return kept


def approve_course(course: Course, reviewer, comment: str = "") -> CourseReview:
    """A coordinator shares this version of the course with the network (its content is kept
    with the version). Raises DomainError when the course is not published."""
    review = course_ops.approve_sharing(course, reviewer, comment)
    keep_version(course)
    return review


def start_revision(course: Course, *, actor_id: int | None = None) -> Course:
    """The revision of a shared course: the one being written, or a new copy of the approved
    version (audited). Raises DomainError when the course is not shared."""
    if not course.is_shared or course.revision_of_id is not None:
        raise DomainError(_l("Only a course shared with the network is changed through a "
                             "revision."))
    current = revision_of(course.id)
    if current is not None:
        return current
    data = read_package(export_course(course.id))
    taken = set(db.session.scalars(
        select(Course.slug).where(Course.academy_id == course.academy_id)))
    data.slug = slugify(f"{course.slug}-revision", taken)
    revision = importer.create_course_from_package(data, course.academy)
    revision.revision_of_id, revision.version = course.id, course.version + 1
    revision.cover_filename = course.cover_filename
    record_course_event("course.revision_start", course, actor_id,
                        {"revision_id": revision.id, "version": revision.version})
    db.session.flush()
    return revision


def checked_package(revision: Course) -> CourseData:
    """The revision read back as a package. Raises PackageInvalid listing its problems (an
    empty module, a quiz without a title…), before anything is written."""
    return read_package(export_course(revision.id))


def request_review(revision: Course, *, actor_id: int | None = None) -> None:
    """Ask a coordinator to approve the revision. Raises DomainError when it is already waiting,
    or PackageInvalid when it could not become the course's next version."""
    if revision.revision_of_id is None:
        raise DomainError(_l("This course is not a revision."))
    if revision.review_status == REVIEW_PENDING:
        raise DomainError(_l("The course is already waiting for review."))
    checked_package(revision)
    revision.review_status = REVIEW_PENDING
    record_course_event("course.share_request", revision, actor_id,
                        {"version": revision.version, "revision_of_id": revision.revision_of_id})
    db.session.flush()


def discard_revision(revision: Course, *, actor_id: int | None = None) -> Course:
    """Throw a revision away (the shared course stays as it is); returns the shared course."""
    original = db.session.get(Course, revision.revision_of_id)
    record_course_event("course.revision_discard", original, actor_id,
                        {"revision_id": revision.id, "version": revision.version})
    db.session.delete(revision)
    db.session.flush()
    return original


def approve_revision(revision: Course, reviewer, comment: str = "") -> Course:
    """A coordinator approves a revision: its content becomes the shared course's next
    version, the revision is gone. Returns the shared course. Raises DomainError or
    PackageInvalid before anything is written."""
    if revision.revision_of_id is None or revision.review_status != REVIEW_PENDING:
        raise DomainError(_l("This revision is not waiting for review."))
    data = checked_package(revision)
    original = db.session.get(Course, revision.revision_of_id)
    apply_package(original, data)
    original.version = max(original.version, revision.version)
    original.approved_version, original.review_status = original.version, REVIEW_APPROVED
    review = CourseReview(course_id=original.id, version=original.version,
                          decision=REVIEW_APPROVED, comment=comment,
                          reviewer_id=reviewer.id if reviewer else None)
    db.session.add(review)
    db.session.delete(revision)
    db.session.flush()
    keep_version(original)
    record_course_event("course.share_approve", original, reviewer.id if reviewer else None,
                        {"version": original.version, "review_id": review.id, "revision": True})
    return original


# --- Updating a course in place from a package ---------------------------------------------------

def apply_package(course: Course, data: CourseData) -> None:
    """Make the course hold the package's content, keeping the identity of every module, lesson
    and question that it still has (by short name and id), so progress, attempts and grades
    stay with them. A module or lesson the package no longer has is kept, hidden, for its
    history; a question it no longer has leaves the bank (attempts keep their frozen copy)."""
    course.default_locale, course.locales = data.default_locale, list(data.locales)
    course.hours, course.tags = data.hours, list(data.tags)
    _set_texts(course.texts, CourseText, data.locales,
               {locale: {"title": data.titles.get(locale, ""),
                         "summary": data.summaries.get(locale, "")} for locale in data.locales})
    for text in course.texts:
        text.refresh_search_text()
    _set_files(course, data.files)
    questions = _set_questions(course, data)
    quizzes = _set_outline(course, data)
    db.session.flush()
    for lesson, quiz in quizzes:
        for slot in db.session.scalars(select(QuizSlot).where(QuizSlot.lesson_id == lesson.id)):
            db.session.delete(slot)
        db.session.flush()
        importer.add_slots(lesson, quiz, questions, data.default_locale)
    db.session.flush()


def _set_texts(rows, model, locales, wanted: dict[str, dict]) -> None:
    by_locale = {row.locale: row for row in rows}
    for locale in set(by_locale) | set(locales):
        row = by_locale.get(locale)
        if row is None:
            row = model(locale=locale)
            rows.append(row)
        for name, value in wanted.get(locale, {}).items():
            setattr(row, name, value)
        if locale not in wanted:
            for name in ("title", "summary", "body"):
                if hasattr(row, name):
                    setattr(row, name, "")


def _set_files(course: Course, wanted: dict[str, bytes]) -> None:
    for kept in list(course.files):
        if kept.name not in wanted:
            course.files.remove(kept)
    held = {kept.name: kept for kept in course.files}
    for name, content in wanted.items():
        row = held.get(name) or CourseFile(name=name)
        if name not in held:
            course.files.append(row)
        row.sha256, row.size = course_files.store(content), len(content)
        row.content_type = course_files.sniff(content, name)


def _set_questions(course: Course, data: CourseData) -> dict[str, Question]:
    """The course's bank as the package has it, by question id."""
    files = [quiz.questions for module in data.modules for lesson in module.lessons
             if (quiz := lesson.quiz) is not None] + [data.bank]
    held = {row.ident: row for row in db.session.scalars(
        select(Question).where(Question.course_id == course.id))}
    result: dict[str, Question] = {}
    for by_locale in files:
        for index, question in enumerate(by_locale.get(data.default_locale, [])):
            contents = {locale: question_content(found[index])
                        for locale, found in by_locale.items()}
            row = held.pop(question.ident, None)
            if row is None or row.qtype != question.qtype:
                if row is not None:
                    bank_ops.delete_question(row)
                row = Question(course=course, ident=question.ident, qtype=question.qtype,
                               category=question.category, spec=question_spec(question),
                               texts=[QuestionText(locale=locale, content=content)
                                      for locale, content in contents.items()])
                db.session.add(row)
            else:
                bank_ops.replace_question(row, question.category, question_spec(question),
                                          contents)
            row.position = len(result) + 1
            result[question.ident] = row
    for gone in held.values():
        bank_ops.delete_question(gone)
    db.session.flush()
    return result


def _set_outline(course: Course, data: CourseData) -> list[tuple[Lesson, object]]:
    """Modules and lessons as the package has them; returns the quizzes with their data."""
    now = utcnow()
    modules = {module.slug: module for module in course.modules}
    lessons = {lesson.slug: lesson for module in course.modules for lesson in module.lessons}
    kept: set[int] = set()
    quizzes = []
    for position, module_data in enumerate(data.modules, start=1):
        module = modules.pop(module_data.slug, None)
        if module is None:
            module = Module(slug=module_data.slug)
            course.modules.append(module)
        module.position = position
        _set_texts(module.texts, ModuleText, data.locales,
                   {locale: {"title": title} for locale, title in module_data.titles.items()})
        for lesson_position, lesson_data in enumerate(module_data.lessons, start=1):
            lesson = lessons.get(lesson_data.slug)
            if lesson is None or lesson.kind != lesson_data.kind or lesson.id in kept:
                lesson = importer.new_lesson(lesson_data, lesson_position)
                module.lessons.append(lesson)
            else:
                kept.add(lesson.id)
                _update_lesson(lesson, module, lesson_data, lesson_position, data.locales)
            if lesson_data.quiz is not None:
                quizzes.append((lesson, lesson_data.quiz))
    for item in [lesson for lesson in lessons.values() if lesson.id not in kept] + \
            list(modules.values()):
        _remove(item, now)
    return quizzes


def _remove(item, now) -> None:
    """Hide a module or lesson the new version no longer has, keeping it for its history; its
    short name is freed, so a later version may use it again."""
    item.removed_at = now
    item.slug = f"{item.slug[:40]}-removed-{item.id}"


def _update_lesson(lesson: Lesson, module: Module, data, position: int, locales) -> None:
    if lesson.module_id != module.id:
        lesson.module = module
    lesson.position, lesson.minutes = position, data.minutes
    if data.quiz is not None:
        run = {key: lesson.settings[key] for key in RUN_SETTINGS if key in lesson.settings}
        lesson.settings = {**data.quiz.settings, **run}
    _set_texts(lesson.texts, LessonText, locales,
               {locale: {"title": title, "body": data.bodies.get(locale, "")}
                for locale, title in data.titles.items()})
