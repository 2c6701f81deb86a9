"""Courses and their content: modules, lessons, per-locale texts, files and reviews.

Every text an author writes is stored per locale in a *Text table beside its object, so a course
can be complete in one language and partly translated in others.
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint, and_
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.db import UTCDateTime, utcnow
from academy.extensions import db
from academy.i18n import content_language, sort_key

if TYPE_CHECKING:
    from academy.academies.models import Academy


def best_text(texts, locale: str, default_locale: str):
    """The text row in `locale`'s language if it has a title, else the default locale's, else
    any (a pt_BR reader reads the `pt` text)."""
    locale, default_locale = content_language(locale), content_language(default_locale)
    by_locale = {t.locale: t for t in texts if t.title}
    for code in (locale, default_locale, *sorted(by_locale)):
        if code in by_locale:
            return by_locale[code], code
    return None, locale


DRAFT, PUBLISHED, ARCHIVED = "draft", "published", "archived"
STATUSES = (DRAFT, PUBLISHED, ARCHIVED)
ACADEMY_ONLY, NETWORK = "academy", "network"
VISIBILITIES = (ACADEMY_ONLY, NETWORK)
# Sharing with the network goes through a coordinator's review.
REVIEW_PENDING, REVIEW_APPROVED, REVIEW_RETURNED = "pending", "approved", "returned"
PAGE, QUIZ = "page", "quiz"


class Course(db.Model):
    """A course owned by one academy; visible to it only, or shared with the network."""

    __tablename__ = "courses"
    __table_args__ = (UniqueConstraint("academy_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    academy_id: Mapped[int] = mapped_column(ForeignKey("academies.id", ondelete="RESTRICT"),
                                            index=True)
    slug: Mapped[str] = mapped_column(String(64))
    default_locale: Mapped[str] = mapped_column(String(8))
    locales: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default=DRAFT, index=True)
    visibility: Mapped[str] = mapped_column(String(16), default=ACADEMY_ONLY)
    review_status: Mapped[str | None] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer, default=1)
    approved_version: Mapped[int | None] = mapped_column(Integer)
    hours: Mapped[int] = mapped_column(Integer, default=0)
    cover_filename: Mapped[str | None] = mapped_column(String(128))
    source_course_id: Mapped[int | None] = mapped_column(
        ForeignKey("courses.id", ondelete="SET NULL"), index=True)
    source_version: Mapped[int | None] = mapped_column(Integer)
    # A revision is the draft of a shared course's next version: a course of its own that the
    # authors edit while the network keeps the approved one (at most one per course).
    revision_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    academy: Mapped[Academy] = relationship(lazy="joined", innerjoin=True)
    texts: Mapped[list[CourseText]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", back_populates="course")
    # Loaded when read: only a single course's pages show its topics (lists do not).
    tag_rows: Mapped[list[CourseTag]] = relationship(
        lazy="select", cascade="all, delete-orphan", order_by="CourseTag.tag")
    # The current modules; those an approved revision removed stay, hidden, for their history.
    modules: Mapped[list[Module]] = relationship(
        primaryjoin="and_(Course.id == Module.course_id, Module.removed_at.is_(None))",
        order_by="Module.position", cascade="all, delete-orphan", back_populates="course")
    files: Mapped[list[CourseFile]] = relationship(order_by="CourseFile.name",
                                                   cascade="all, delete-orphan")

    def text(self, locale: str):
        """(texts, locale they are in): `locale` if written, else the course's default."""
        return best_text(self.texts, locale, self.default_locale)

    def title_in(self, locale: str) -> str:
        found, _ = self.text(locale)
        return found.title if found else self.slug

    @property
    def tags(self) -> list[str]:
        return [row.tag for row in self.tag_rows]

    @tags.setter
    def tags(self, values) -> None:
        wanted = list(dict.fromkeys(values))
        self.tag_rows = [row for row in self.tag_rows if row.tag in wanted]
        held = {row.tag for row in self.tag_rows}
        self.tag_rows.extend(CourseTag(tag=tag) for tag in wanted if tag not in held)

    @hybrid_property
    def is_shared(self) -> bool:
        """Shared with the whole network: a version was approved by a coordinator (a newer
        version waiting for review does not take the approved one away). Also an SQL
        condition, as `Course.is_shared`."""
        return self.visibility == NETWORK and self.approved_version is not None

    @is_shared.inplace.expression
    @classmethod
    def _is_shared_condition(cls):
        return and_(cls.visibility == NETWORK, cls.approved_version.is_not(None))


class CourseTag(db.Model):
    """A topic tag of a course (a lower-case slug such as "human-rights")."""

    __tablename__ = "course_tags"

    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"),
                                           primary_key=True)
    tag: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class Topic(db.Model):
    """A topic of the network's vocabulary: the slug courses are tagged with, and its name in
    each language. Coordinators keep the vocabulary; an unknown slug that an author or a package
    uses is a suggestion until a coordinator names and approves it."""

    __tablename__ = "topics"

    slug: Mapped[str] = mapped_column(String(64), primary_key=True)
    names: Mapped[dict] = mapped_column(JSON, default=dict)  # locale -> name
    is_approved: Mapped[bool] = mapped_column(default=False)
    suggested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def name_in(self, locale: str) -> str:
        """The name in `locale`, else in English, else in any language, else the slug."""
        return topic_name(self.slug, self.names, locale)


def topic_name(slug: str, names: dict[str, str] | None, locale: str) -> str:
    """A topic's name in `locale`, else in English, else in any language, else its slug."""
    names, locale = names or {}, content_language(locale)
    return next((names[code] for code in (locale, "en", *sorted(names)) if names.get(code)), slug)


class CourseText(db.Model):
    __tablename__ = "course_texts"
    # On PostgreSQL a trigram index serves the catalogue's "contains this word" searches
    # (LIKE '%word%'); SQLite keeps a plain index it does not use for them.
    __table_args__ = (Index("ix_course_texts_search_text", "search_text", postgresql_using="gin",
                            postgresql_ops={"search_text": "gin_trgm_ops"}),)

    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"),
                                           primary_key=True)
    locale: Mapped[str] = mapped_column(String(8), primary_key=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    # Title and summary without accents or case, for searching in any database.
    search_text: Mapped[str] = mapped_column(Text, default="")

    course: Mapped[Course] = relationship(back_populates="texts")

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.refresh_search_text()

    def refresh_search_text(self) -> None:
        self.search_text = sort_key(f"{self.title or ''}\n{self.summary or ''}")


class Module(db.Model):
    __tablename__ = "modules"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"),
                                           index=True)
    slug: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer, default=0)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    course: Mapped[Course] = relationship(back_populates="modules")
    texts: Mapped[list[ModuleText]] = relationship(lazy="selectin", cascade="all, delete-orphan")
    # The current lessons; those an approved revision removed keep their progress and attempts.
    lessons: Mapped[list[Lesson]] = relationship(
        primaryjoin="and_(Module.id == Lesson.module_id, Lesson.removed_at.is_(None))",
        order_by="Lesson.position", cascade="all, delete-orphan", back_populates="module")


class ModuleText(db.Model):
    __tablename__ = "module_texts"

    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"),
                                           primary_key=True)
    locale: Mapped[str] = mapped_column(String(8), primary_key=True)
    title: Mapped[str] = mapped_column(String(300), default="")


class Lesson(db.Model):
    """A page of Markdown, or a quiz (its questions are in the course's question bank)."""

    __tablename__ = "lessons"
    __table_args__ = (UniqueConstraint("module_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"),
                                           index=True)
    slug: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(16), default=PAGE)
    minutes: Mapped[int] = mapped_column(Integer, default=0)
    settings: Mapped[dict] = mapped_column(JSON, default=dict)  # a quiz's settings
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    module: Mapped[Module] = relationship(back_populates="lessons")
    texts: Mapped[list[LessonText]] = relationship(lazy="selectin", cascade="all, delete-orphan")


def is_current():
    """SQL condition on a lesson joined with its module: neither was removed by a revision."""
    return and_(Lesson.removed_at.is_(None), Module.removed_at.is_(None))


class LessonText(db.Model):
    __tablename__ = "lesson_texts"

    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"),
                                           primary_key=True)
    locale: Mapped[str] = mapped_column(String(8), primary_key=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")  # Markdown, as the author wrote it


class CourseReview(db.Model):
    """A coordinator's decision on sharing one version of a course with the network."""

    __tablename__ = "course_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"),
                                           index=True)
    version: Mapped[int] = mapped_column(Integer)
    decision: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="")
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CourseVersion(db.Model):
    """What one approved version of a course held, as the text files of its package (without
    numbered names), so later versions can be compared with it."""

    __tablename__ = "course_versions"
    __table_args__ = (UniqueConstraint("course_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"),
                                           index=True)
    version: Mapped[int] = mapped_column(Integer)
    files: Mapped[dict] = mapped_column(JSON, default=dict)  # path -> text
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CourseFile(db.Model):
    """An image or document of a course, referenced from lessons as files/<name>."""

    __tablename__ = "course_files"
    __table_args__ = (UniqueConstraint("course_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"),
                                           index=True)
    name: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
