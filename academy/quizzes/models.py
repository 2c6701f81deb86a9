"""Questions and quizzes at play: the course's question bank, frozen question versions,
per-person overrides, attempts and results.

A quiz is a lesson of kind "quiz" (its settings in `Lesson.settings`); its questions live in the
course's bank (`Question`). An attempt never points at a living question: it
points at a `QuestionVersion`, a frozen copy taken the first time a version is used, so editing a
question later never changes what a trainee saw or how it was graded.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import (
    JSON,
    BigInteger,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.curricula.models import Course
from academy.db import UTCDateTime, utcnow
from academy.extensions import db

IN_PROGRESS, FINISHED = "in_progress", "finished"


class Question(db.Model):
    """A question of a course's bank; `spec` holds its structure (answers, weights, numbers).
    Quizzes take it through their slots, so one question may serve several quizzes."""

    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("course_id", "ident"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"),
                                           index=True)
    ident: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    qtype: Mapped[str] = mapped_column(String(32))
    spec: Mapped[dict] = mapped_column(JSON, default=dict)
    # The version an edit makes; a version already used in an attempt is frozen, so editing it
    # starts the next one (past attempts keep what their trainees saw).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, onupdate=utcnow)

    course: Mapped[Course] = relationship()
    texts: Mapped[list[QuestionText]] = relationship(lazy="selectin",
                                                     cascade="all, delete-orphan")


class QuestionText(db.Model):
    """A question's words in one locale: stem, answer texts and feedback, as a JSON document."""

    __tablename__ = "question_texts"

    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"),
                                             primary_key=True)
    locale: Mapped[str] = mapped_column(String(8), primary_key=True)
    content: Mapped[dict] = mapped_column(JSON, default=dict)


class QuizSlot(db.Model):
    """A place in a quiz: a question of the bank, or one drawn at random from a bank category
    when an attempt starts; with the mark it is worth and the page it is on (Moodle's slots)."""

    __tablename__ = "quiz_slots"

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"),
                                           index=True)
    position: Mapped[int] = mapped_column(Integer)
    page: Mapped[int] = mapped_column(Integer, default=1)
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    category: Mapped[str | None] = mapped_column(String(200))  # a random slot's category
    mark: Mapped[float] = mapped_column(Float, default=1.0)

    question: Mapped[Question | None] = relationship()

    @property
    def is_random(self) -> bool:
        return self.question_id is None


class QuestionVersion(db.Model):
    """One version of a question as trainees saw it: type, structure and words in every locale."""

    __tablename__ = "question_versions"
    __table_args__ = (UniqueConstraint("question_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("questions.id", ondelete="SET NULL"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"),
                                           index=True)
    version: Mapped[int] = mapped_column(Integer)
    ident: Mapped[str] = mapped_column(String(100))
    qtype: Mapped[str] = mapped_column(String(32))
    spec: Mapped[dict] = mapped_column(JSON, default=dict)
    texts: Mapped[dict] = mapped_column(JSON, default=dict)  # locale -> content
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class QuizOverride(db.Model):
    """Other dates, more time or more attempts for one trainee or one cohort (accommodations)."""

    __tablename__ = "quiz_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"),
                                           index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    time_limit_minutes: Mapped[int | None] = mapped_column(Integer)
    attempts: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Attempt(db.Model):
    """One go at a quiz by one person. The server owns its clock (`deadline_at`) and its state."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (UniqueConstraint("lesson_id", "user_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"),
                                           index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"),
                                           index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    locale: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default=IN_PROGRESS, index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    grace_seconds: Mapped[int] = mapped_column(Integer, default=0)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fraction: Mapped[float | None] = mapped_column(Float)  # None until every answer is graded
    pages: Mapped[int] = mapped_column(Integer, default=1)

    slots: Mapped[list[AttemptSlot]] = relationship(
        order_by="AttemptSlot.position", cascade="all, delete-orphan", back_populates="attempt")

    @property
    def is_finished(self) -> bool:
        return self.status == FINISHED

    def is_overdue(self, now: datetime) -> bool:
        """Past the deadline and its grace period: no answer is accepted any more."""
        return self.deadline_at is not None and \
            now > self.deadline_at + timedelta(seconds=self.grace_seconds)

    @property
    def is_time_up(self) -> bool:
        """Still in progress but overdue: pages show it as over and take no answer; the next
        write to it (a save, a submission, a new start) or `flask quizzes close-overdue` closes
        it, since a page that is only read never writes."""
        return self.status == IN_PROGRESS and self.is_overdue(utcnow())

    @property
    def needs_grading(self) -> bool:
        return self.is_finished and self.fraction is None


class AttemptSlot(db.Model):
    """One question of an attempt: what was shown (version, order), answered and earned."""

    __tablename__ = "quiz_attempt_slots"

    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id", ondelete="CASCADE"),
                                            primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    page: Mapped[int] = mapped_column(Integer, default=1)
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("questions.id", ondelete="SET NULL"), index=True)
    mark: Mapped[float] = mapped_column(Float, default=1.0, server_default="1")
    version_id: Mapped[int] = mapped_column(
        ForeignKey("question_versions.id", ondelete="RESTRICT"), index=True)
    # The stored indices of choices (or matching options) in the order they were shown.
    choice_order: Mapped[list] = mapped_column(JSON, default=list)
    # None is SQL NULL (not JSON null), so "no answer" reads the same however it was stored.
    response: Mapped[object | None] = mapped_column(JSON(none_as_null=True))
    # The highest save number applied, so a late retry never overwrites a newer answer.
    saved_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Marked by the trainee to come back to (Moodle's flag); only they see it, during the attempt.
    flagged: Mapped[bool] = mapped_column(default=False, server_default=false())
    fraction: Mapped[float | None] = mapped_column(Float)
    comment: Mapped[str] = mapped_column(Text, default="")
    graded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    graded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    attempt: Mapped[Attempt] = relationship(back_populates="slots")
    version: Mapped[QuestionVersion] = relationship(lazy="joined", innerjoin=True)


class QuizResult(db.Model):
    """A person's grade on a quiz, by the quiz's grading method over their graded attempts."""

    __tablename__ = "quiz_results"

    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"),
                                           primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True, index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"),
                                           index=True)
    fraction: Mapped[float] = mapped_column(Float)
    is_passed: Mapped[bool] = mapped_column(default=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
