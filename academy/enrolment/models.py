"""Who follows which course, how far they are, and each course's enrolment rules."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.db import UTCDateTime, utcnow
from academy.extensions import db

PENDING, ACTIVE, WAITLISTED, COMPLETED, WITHDRAWN = (
    "pending", "active", "waitlisted", "completed", "withdrawn")
STATUSES = (PENDING, ACTIVE, WAITLISTED, COMPLETED, WITHDRAWN)
# Enrolments that hold a place in the course (capacity counts these).
HOLDING_A_PLACE = (ACTIVE, COMPLETED)

OPEN, KEY, APPROVAL, CLOSED = "open", "key", "approval", "closed"
POLICIES = (OPEN, KEY, APPROVAL, CLOSED)
VIEWED, MARKED = "viewed", "marked"


class EnrolmentRules(db.Model):
    """A course's enrolment settings (one row per course; absent means open, no limits)."""

    __tablename__ = "enrolment_rules"

    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"),
                                           primary_key=True)
    policy: Mapped[str] = mapped_column(String(16), default=OPEN)
    enrolment_key: Mapped[str | None] = mapped_column(String(100))
    capacity: Mapped[int | None] = mapped_column(Integer)
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    allow_withdrawal: Mapped[bool] = mapped_column(default=True)
    completion_mode: Mapped[str] = mapped_column(String(16), default=VIEWED)

    allowed_academies: Mapped[list[AllowedAcademy]] = relationship(
        lazy="selectin", cascade="all, delete-orphan")

    @property
    def allowed_academy_ids(self) -> set[int]:
        return {row.academy_id for row in self.allowed_academies}


class AllowedAcademy(db.Model):
    """An academy whose people may enrol, when a course restricts enrolment to some academies."""

    __tablename__ = "enrolment_allowed_academies"

    course_id: Mapped[int] = mapped_column(
        ForeignKey("enrolment_rules.course_id", ondelete="CASCADE"), primary_key=True)
    academy_id: Mapped[int] = mapped_column(ForeignKey("academies.id", ondelete="CASCADE"),
                                            primary_key=True)


class Enrolment(db.Model):
    """One person in one course: pending, active, waitlisted, completed or withdrawn."""

    __tablename__ = "enrolments"
    __table_args__ = (
        UniqueConstraint("course_id", "user_id"),
        # The dashboards' "active trainees": did this person enrol in the period? (index only)
        Index("ix_enrolments_user_id_activated_at", "user_id", "activated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"),
                                           index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Indexed for the reports of a short period (a long one reads most rows anyway).
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The course grade (percent: the mean of the quiz grades) once completed, kept up to date by
    # the quizzes when a grade changes; None before completion or for a course without quizzes.
    final_grade: Mapped[float | None] = mapped_column(Float)
    last_lesson_id: Mapped[int | None] = mapped_column(
        ForeignKey("lessons.id", ondelete="SET NULL"))
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the trainee was promoted from the waiting list, until their dashboard shows it.
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LessonProgress(db.Model):
    """A lesson done by a person (viewed or marked done, as the course says)."""

    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"),
                                           index=True)
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
