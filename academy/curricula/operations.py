"""Every change to courses. Never commits."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from academy import images
from academy.audit import operations as audit
from academy.curricula import files
from academy.curricula.models import (
    ACADEMY_ONLY,
    ARCHIVED,
    DRAFT,
    NETWORK,
    PAGE,
    PUBLISHED,
    QUIZ,
    REVIEW_APPROVED,
    REVIEW_PENDING,
    REVIEW_RETURNED,
    Course,
    CourseFile,
    CourseReview,
    CourseText,
    Lesson,
    LessonText,
    Module,
    ModuleText,
)
from academy.db import utcnow
from academy.domain_errors import DomainError
from academy.extensions import db
from academy.i18n import is_locale, sort_key
from academy.i18n import lazy_gettext as _l
from academy.slugs import SLUG_RE


def record_course_event(action: str, course: Course, actor_id: int | None,
                        details: dict | None = None) -> None:
    """Write an audit entry about `course`."""
    audit.record(action, actor_id=actor_id, target_type="course", target_id=course.id,
                 academy_id=course.academy_id, details=details)


def publish_course(course: Course, *, actor_id: int | None = None) -> None:
    """Make the course visible to the people who may see it."""
    if course.status != PUBLISHED:
        record_course_event("course.publish", course, actor_id)
    course.status = PUBLISHED
    course.published_at = course.published_at or utcnow()
    db.session.flush()


def approve_sharing(course: Course, reviewer, comment: str = "") -> CourseReview:
    """A coordinator shares this version of the course with the whole network."""
    if course.status != PUBLISHED:
        raise DomainError(_l("Only a published course can be shared with the network."))
    course.visibility = NETWORK
    course.review_status = REVIEW_APPROVED
    course.approved_version = course.version
    review = CourseReview(course_id=course.id, version=course.version, decision=REVIEW_APPROVED,
                          comment=comment, reviewer_id=reviewer.id if reviewer else None)
    db.session.add(review)
    db.session.flush()
    record_course_event("course.share_approve", course, reviewer.id if reviewer else None,
            {"version": course.version, "review_id": review.id})
    return review


# --- Authoring -------------------------------------------------------------------------------

def slugify(text: str, taken: set[str] | None = None) -> str:
    """A short ASCII name from a title, made unique among `taken` with -2, -3 …"""
    base = re.sub(r"[^a-z0-9]+", "-", sort_key(text)).strip("-")[:56] or "item"
    taken = taken or set()
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_settings(default_locale: str, locales: list[str], hours: int, tags: list[str]) -> None:
    if not locales or any(not is_locale(code) for code in locales):
        raise DomainError(_l("Choose at least one of the platform's languages."), "locales")
    if default_locale not in locales:
        raise DomainError(_l("The default language must be one of the course's languages."),
                          "default_locale")
    if not 0 <= hours <= 1000:
        raise DomainError(_l("Give a number of hours from 0 to 1000."), "hours")
    if any(not SLUG_RE.match(tag) for tag in tags):
        raise DomainError(_l("Topics are lower-case words joined by hyphens, separated by commas."),
                          "tags")


def create_course(academy, *, slug: str, default_locale: str, locales: list[str], hours: int,
                  tags: list[str], title: str, summary: str = "") -> Course:
    """A new draft course of `academy`. Raises DomainError naming the field at fault."""
    if not SLUG_RE.match(slug or ""):
        raise DomainError(_l("Use lower-case letters without accents, digits and hyphens "
                             "(at most 64)."), "slug")
    taken = select(func.count()).select_from(Course).where(Course.academy_id == academy.id,
                                                           Course.slug == slug)
    if db.session.scalar(taken):
        raise DomainError(_l("Your academy already has a course with this short name."), "slug")
    _check_settings(default_locale, locales, hours, tags)
    if not title.strip():
        raise DomainError(_l("A title is required."), "title")
    course = Course(academy=academy, slug=slug, default_locale=default_locale,
                    locales=list(locales), hours=hours, tags=tags)
    course.texts.append(CourseText(locale=default_locale, title=title.strip(),
                                   summary=summary.strip()))
    db.session.add(course)
    db.session.flush()
    return course


def update_course_settings(course: Course, *, default_locale: str, locales: list[str],
                           hours: int, tags: list[str]) -> None:
    """Change a course's languages, hours and topics. Raises DomainError."""
    _check_settings(default_locale, locales, hours, tags)
    if not any(t.locale == default_locale and t.title for t in course.texts):
        raise DomainError(_l("Write the course's title in that language "
                             "before making it the default."), "default_locale")
    course.default_locale, course.locales, course.hours, course.tags = (
        default_locale, list(locales), hours, tags)
    db.session.flush()


def _text_row(rows, factory, locale: str):
    row = next((r for r in rows if r.locale == locale), None)
    if row is None:
        row = factory(locale=locale)
        rows.append(row)
    return row


def _check_locale(course: Course, locale: str) -> None:
    if locale not in course.locales:
        raise DomainError(_l("This course is not offered in that language."), "locale")


def set_course_text(course: Course, locale: str, *, title: str, summary: str) -> None:
    """Write the course's title and summary in one language."""
    _check_locale(course, locale)
    if locale == course.default_locale and not title.strip():
        raise DomainError(_l("The title in the default language is required."), "title")
    row = _text_row(course.texts, CourseText, locale)
    row.title, row.summary = title.strip(), summary.strip()
    row.refresh_search_text()
    db.session.flush()


def add_module(course: Course, title: str) -> Module:
    """A new module at the end, titled in the course's default language."""
    if not title.strip():
        raise DomainError(_l("A title is required."), "title")
    module = Module(slug=slugify(title, {m.slug for m in course.modules}),
                    position=len(course.modules) + 1,
                    texts=[ModuleText(locale=course.default_locale, title=title.strip())])
    course.modules.append(module)
    db.session.flush()
    return module


def set_module_text(module: Module, locale: str, title: str) -> None:
    _check_locale(module.course, locale)
    if locale == module.course.default_locale and not title.strip():
        raise DomainError(_l("The title in the default language is required."), "title")
    _text_row(module.texts, ModuleText, locale).title = title.strip()
    db.session.flush()


def add_lesson(module: Module, title: str, kind: str = PAGE) -> Lesson:
    """A new page, or a new quiz (no questions yet, the default settings), at the end of the
    module, titled in the course's default language. Raises DomainError."""
    if not title.strip():
        raise DomainError(_l("A title is required."), "title")
    if kind not in (PAGE, QUIZ):
        raise DomainError(_l("Choose a page or a quiz."), "kind")
    lesson = Lesson(slug=slugify(title, {other.slug for other in module.lessons}), kind=kind,
                    position=len(module.lessons) + 1,
                    texts=[LessonText(locale=module.course.default_locale, title=title.strip(),
                                      body="")])
    module.lessons.append(lesson)
    db.session.flush()
    return lesson


def set_lesson_text(lesson: Lesson, locale: str, *, title: str, body: str,
                    minutes: int | None = None) -> None:
    """Write a lesson's title and Markdown in one language (and its reading time)."""
    course = lesson.module.course
    _check_locale(course, locale)
    if not title.strip() and (locale == course.default_locale or body.strip()):
        raise DomainError(_l("A title is required."), "title")
    if len(body) > 200_000:
        raise DomainError(_l("The lesson is too long: split it into several lessons."), "body")
    row = _text_row(lesson.texts, LessonText, locale)
    row.title, row.body = title.strip(), body.replace("\r\n", "\n")
    if minutes is not None:
        if not 0 <= minutes <= 600:
            raise DomainError(_l("Give a number of minutes from 0 to 600."), "minutes")
        lesson.minutes = minutes
    db.session.flush()


def _renumber(items) -> None:
    for position, each in enumerate(items, start=1):
        each.position = position


def _move(items: list, item, delta: int) -> None:
    index = items.index(item)
    target = index + delta
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    _renumber(items)


def move_module(module: Module, delta: int) -> None:
    """Move a module up (-1) or down (+1) in its course."""
    _move(list(module.course.modules), module, delta)
    db.session.flush()


def move_lesson(lesson: Lesson, delta: int) -> None:
    """Move a lesson up (-1) or down (+1) in its module."""
    _move(list(lesson.module.lessons), lesson, delta)
    db.session.flush()


def delete_module(module: Module) -> None:
    course = module.course
    course.modules.remove(module)
    _renumber(course.modules)
    db.session.flush()


def delete_lesson(lesson: Lesson) -> None:
    module = lesson.module
    module.lessons.remove(lesson)
    _renumber(module.lessons)
    db.session.flush()


def archive_course(course: Course, *, actor_id: int | None = None) -> None:
    """Withdraw a course from the catalogue, keeping it."""
    if course.status != ARCHIVED:
        record_course_event("course.archive", course, actor_id)
    course.status = ARCHIVED
    db.session.flush()


def unpublish_course(course: Course, *, actor_id: int | None = None) -> None:
    """Back to draft: only its authors see it."""
    if course.status != DRAFT:
        record_course_event("course.unpublish", course, actor_id)
    course.status = DRAFT
    db.session.flush()


# --- Sharing with the network ------------------------------------------------------------------

def request_sharing(course: Course, *, actor_id: int | None = None) -> None:
    """Ask a coordinator to share the course with the network. Raises DomainError when it is
    not published, already waiting, or already shared (it then changes through a revision)."""
    if course.status != PUBLISHED:
        raise DomainError(_l("Publish the course before sharing it with the network."))
    if course.review_status == REVIEW_PENDING:
        raise DomainError(_l("The course is already waiting for review."))
    if course.is_shared:
        raise DomainError(_l("The course is already shared with the network: change it "
                             "through a new version."))
    if course.review_status == REVIEW_APPROVED:
        course.version += 1
    course.visibility = NETWORK
    course.review_status = REVIEW_PENDING
    db.session.flush()
    record_course_event("course.share_request", course, actor_id, {"version": course.version})


def return_sharing(course: Course, reviewer, comment: str) -> CourseReview:
    """A coordinator sends the course back to its authors with comments."""
    if not comment.strip():
        raise DomainError(_l("Say what the authors should change."), "comment")
    course.review_status = REVIEW_RETURNED
    review = CourseReview(course_id=course.id, version=course.version, decision=REVIEW_RETURNED,
                          comment=comment.strip(), reviewer_id=reviewer.id)
    db.session.add(review)
    db.session.flush()
    record_course_event("course.share_reject", course, reviewer.id,
            {"version": course.version, "review_id": review.id})
    return review


def keep_in_academy(course: Course, *, actor_id: int | None = None) -> None:
    """Stop sharing: the course is visible to its own academy only (sharing again needs a
    review)."""
    if course.visibility != ACADEMY_ONLY or course.review_status is not None:
        record_course_event("course.share_stop", course, actor_id,
                {"visibility": course.visibility, "review_status": course.review_status})
    course.visibility = ACADEMY_ONLY
    course.review_status = None
    course.approved_version = None
    db.session.flush()


def add_course_file(course: Course, name: str, data: bytes) -> CourseFile:
    """Add (or replace, by name) an image or document of the course. Raises DomainError."""
    cleaned, kind = files.check_file(name, data)
    digest = files.store(data)
    existing = next((f for f in course.files if f.name == cleaned), None)
    if existing is None:
        existing = CourseFile(name=cleaned)
        course.files.append(existing)
    existing.sha256, existing.content_type, existing.size = digest, kind, len(data)
    db.session.flush()
    return existing


def delete_course_file(course_file: CourseFile) -> None:
    """Remove a file from its course (lessons that show it will show a broken link)."""
    db.session.delete(course_file)
    db.session.flush()


COVER_MAX_BYTES = 2 * 1024 * 1024


def set_course_cover(course: Course, data: bytes | None, remove: bool = False) -> None:
    """Give the course a cover picture (checked and re-encoded), or take it away."""
    if data:
        png = images.normalise_image(data, max_bytes=COVER_MAX_BYTES, box=(960, 540), field="cover")
        course.cover_filename = images.store_image("covers", png)
    elif remove:
        course.cover_filename = None
    db.session.flush()
