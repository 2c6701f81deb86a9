"""Reads about courses, shaped for the pages that need them."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from academy.academies.models import Academy
from academy.curricula.models import (
    PUBLISHED,
    REVIEW_PENDING,
    Course,
    CourseReview,
    CourseTag,
    CourseText,
    Lesson,
    Module,
    is_current,
)
from academy.db import escape_like
from academy.extensions import db
from academy.i18n import content_language, sort_key


def courses_by_slug(slug: str, academy_slug: str | None = None) -> list[Course]:
    """Courses with this short name (one per academy at most)."""
    stmt = select(Course).where(Course.slug == slug)
    if academy_slug:
        stmt = stmt.join(Course.academy).where(Academy.slug == academy_slug)
    return list(db.session.scalars(stmt))


PAGE_SIZE = 20


@dataclass
class CatalogPage:
    courses: list[Course]
    total: int
    page: int
    pages: int


def _own_academy_ids(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    ids = {m.academy_id for m in user.memberships}
    if user.academy_id:
        ids.add(user.academy_id)
    return ids


def visible_to(user):
    """SQL condition: published courses shared with the network, or of one's own academies."""
    shared = and_(Course.status == PUBLISHED, Course.is_shared)
    own = _own_academy_ids(user)
    if not own:
        return shared
    return or_(shared, and_(Course.status == PUBLISHED, Course.academy_id.in_(own)))


MAX_WORDS = 8


def search_words(search: str) -> list[str]:
    """The words of a search, without accents or case; one-letter words only if alone."""
    words = [w for w in re.split(r"[^\w]+", sort_key(search or "")) if w]
    longer = [w for w in words if len(w) > 1]
    return (longer or words)[:MAX_WORDS]


def catalog(user, locale: str, *, search: str = "", academy_id: int | None = None,
            country: str | None = None, language: str | None = None, tag: str | None = None,
            page: int = 1) -> CatalogPage:
    """One page of the catalogue for this person, filtered and searched in `locale`."""
    locale = content_language(locale)
    stmt = select(Course).where(visible_to(user))
    words = search_words(search)
    if words:
        # Every word, in any order, in the reader's language or else the course's default.
        stmt = stmt.where(exists().where(
            CourseText.course_id == Course.id,
            or_(CourseText.locale == locale, CourseText.locale == Course.default_locale),
            *(CourseText.search_text.like(f"%{escape_like(word)}%", escape="\\")
              for word in words)))
    if academy_id:
        stmt = stmt.where(Course.academy_id == academy_id)
    if country:
        stmt = stmt.where(Course.academy_id.in_(
            select(Academy.id).where(Academy.country == country)))
    if language:
        stmt = stmt.where(exists().where(CourseText.course_id == Course.id,
                                         CourseText.locale == language, CourseText.title != ""))
    if tag:
        stmt = stmt.where(exists().where(CourseTag.course_id == Course.id, CourseTag.tag == tag))
    title = (select(CourseText.search_text).where(CourseText.course_id == Course.id,
                                                  CourseText.locale == Course.default_locale)
             .correlate(Course).scalar_subquery())
    page = min(max(1, page), 100_000)  # a number typed in the URL stays a sane OFFSET

    def rows_of(number: int):
        # The page's courses and, on each row, how many match in all: one statement.
        return db.session.execute(
            stmt.add_columns(func.count().over()).order_by(title, Course.id).limit(PAGE_SIZE)
            .offset((number - 1) * PAGE_SIZE)).all()

    rows = rows_of(page)
    if rows:
        total = rows[0][1]
    else:  # no course, or a page past the last: count, and show the last page
        total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        last = max(1, -(-total // PAGE_SIZE))
        if total and page > last:
            page, rows = last, rows_of(last)
        page = min(page, last)
    return CatalogPage([course for course, _ in rows], total, page, max(1, -(-total // PAGE_SIZE)))


def catalog_facets(user) -> dict[str, list]:
    """What the catalogue's filters can offer this person: academies, countries, tags."""
    visible = select(Course.id).where(visible_to(user))
    academies = list(db.session.scalars(
        select(Academy).where(Academy.id.in_(select(Course.academy_id).where(visible_to(user))))))
    tags = list(db.session.scalars(
        select(CourseTag.tag).where(CourseTag.course_id.in_(visible)).distinct().order_by(CourseTag.tag)))
    countries = sorted({a.country for a in academies})
    return {"academies": academies, "countries": countries, "tags": tags}


def course_outline(course_id: int) -> Course | None:
    """A course with its modules, lessons and their texts, in a fixed number of queries."""
    return db.session.scalar(
        select(Course).where(Course.id == course_id).options(
            selectinload(Course.modules).selectinload(Module.lessons)))


def course_for_reading(course_id: int) -> Course | None:
    """A course with its academy and texts, in one statement (a reader's outline is
    `enrolment.outline.outline_of`)."""
    stmt = select(Course).where(Course.id == course_id).options(joinedload(Course.texts))
    return db.session.scalars(stmt).unique().first()


def translation_status(course: Course) -> dict[str, tuple[int, int]]:
    """Per locale offered: (texts written, texts expected) over the course, modules and lessons."""
    expected = 1 + len(course.modules) + sum(len(m.lessons) for m in course.modules)
    status = {}
    for locale in course.locales:
        written = int(any(t.locale == locale and t.title for t in course.texts))
        for module in course.modules:
            written += any(t.locale == locale and t.title for t in module.texts)
            written += sum(any(t.locale == locale and t.title for t in lesson.texts)
                           for lesson in module.lessons)
        status[locale] = (written, expected)
    return status


def courses_of_academies(academy_ids: set[int]) -> list[Course]:
    """Every course (any status) of these academies, for their authors (a revision is reached
    from its course)."""
    stmt = select(Course).where(Course.academy_id.in_(academy_ids), Course.revision_of_id.is_(None)
                                ).order_by(Course.updated_at.desc())
    return list(db.session.scalars(stmt))


def reviews_of(course_id: int) -> list[CourseReview]:
    """A course's sharing reviews, newest first."""
    stmt = select(CourseReview).where(CourseReview.course_id == course_id).order_by(
        CourseReview.created_at.desc(), CourseReview.id.desc())
    return list(db.session.scalars(stmt))


def pending_reviews() -> list[Course]:
    """Courses waiting for a coordinator's decision, oldest request first."""
    stmt = select(Course).where(Course.review_status == REVIEW_PENDING).order_by(Course.updated_at)
    return list(db.session.scalars(stmt))


def following_lesson_id(lesson: Lesson) -> int | None:
    """The lesson after this one in its course (across modules), or None at the end."""
    order = (select(Lesson.id).join(Module, Module.id == Lesson.module_id)
             .where(Module.course_id == lesson.module.course_id, is_current())
             .order_by(Module.position, Module.id, Lesson.position, Lesson.id))
    ids = list(db.session.scalars(order))
    index = ids.index(lesson.id)
    return ids[index + 1] if index + 1 < len(ids) else None
