"""An attempt's grade and the person's quiz result: graded when the attempt finishes, by a
person (essays), or again after a question changed (regrading). A passed quiz completes its
lesson; a completed course keeps its final grade. Never commits."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from academy.audit import operations as audit
from academy.curricula import queries as course_queries
from academy.curricula.models import Course, Lesson
from academy.enrolment import operations as enrolment_ops
from academy.enrolment.models import ACTIVE, COMPLETED, Enrolment
from academy.extensions import db
from academy.i18n import lazy_gettext as _l
from academy.quizzes import cloze, grading, queries
from academy.quizzes.models import (
    FINISHED,
    Attempt,
    AttemptSlot,
    Question,
    QuestionVersion,
    QuizResult,
)
from academy.quizzes.settings import AVERAGE, FIRST, LAST
from academy.quizzes.starting import QuizRefused, snapshot


def _grade_slot(slot: AttemptSlot, locale: str, default_locale: str) -> None:
    if slot.version.qtype == "essay":
        if slot.response is None and slot.graded_at is None:
            slot.fraction = 0.0  # nothing to read: nothing earned, nobody needs to grade it
        return
    content = queries.content_of(slot.version, locale, default_locale)
    slot.fraction = grading.grade(slot.version.qtype, slot.version.spec, content, slot.response)


def grade_attempt(attempt: Attempt) -> None:
    """Grade every automatically graded answer, then the attempt and the person's quiz result."""
    course = db.session.get(Course, attempt.course_id)
    for slot in attempt.slots:
        _grade_slot(slot, attempt.locale, course.default_locale)
    _total(attempt)
    db.session.flush()
    update_result(attempt.lesson_id, attempt.user_id)


def _total(attempt: Attempt) -> None:
    """The attempt's grade: its answers' fractions weighted by their marks (equal weights when
    every mark is 0); None while an answer waits for grading."""
    fractions = [slot.fraction for slot in attempt.slots]
    if None in fractions or not fractions:
        attempt.fraction = None
        return
    marks = [0.0 if slot.version.qtype == "description" else slot.mark for slot in attempt.slots]
    if not sum(marks):
        marks = [0.0 if slot.version.qtype == "description" else 1.0 for slot in attempt.slots]
    if not sum(marks):  # descriptions only: nothing to grade
        attempt.fraction = 0.0
        return
    attempt.fraction = sum(f * m for f, m in zip(fractions, marks, strict=True)) / sum(marks)


def record_change(action: str, course_id: int, target_type: str, target_id: int,
                  actor_id: int | None, details: dict) -> None:
    """Audit a change to a course's quizzes or grades (filed under the course's academy)."""
    course = db.session.get(Course, course_id)
    audit.record(action, actor_id=actor_id, target_type=target_type, target_id=target_id,
                 academy_id=course.academy_id if course else None, details=details)


def grade_essay(attempt: Attempt, slot: AttemptSlot, fraction: float, comment: str, grader,
                now: datetime) -> None:
    """A person's mark (0..1) and comment on an answer; the attempt's grade follows (audited,
    with the mark before). Raises QuizRefused while the attempt is in progress."""
    if attempt.status != FINISHED:
        raise QuizRefused(_l("This attempt is still in progress."))
    record_change("quiz.essay_grade", attempt.course_id, "attempt", attempt.id, grader.id, {
        "attempt_id": attempt.id, "position": slot.position, "user_id": attempt.user_id,
        "before": slot.fraction if slot.graded_at is not None else None, "after": fraction})
    slot.fraction, slot.comment = fraction, comment.strip()
    slot.graded_by_id, slot.graded_at = grader.id, now
    _total(attempt)
    db.session.flush()
    update_result(attempt.lesson_id, attempt.user_id)


def _combine(method: str, fractions: list[float]) -> float:
    if method == AVERAGE:
        return sum(fractions) / len(fractions)
    if method == FIRST:
        return fractions[0]
    if method == LAST:
        return fractions[-1]
    return max(fractions)


def record_final_grade(enrolment: Enrolment) -> None:
    """Keep a completed enrolment's final grade (the course grade) with it: registered to run
    on completion, and called again whenever a quiz grade of a completed course changes."""
    if enrolment.status == COMPLETED:
        enrolment.final_grade = queries.course_grade(enrolment.user_id, enrolment.course_id)


def update_result(lesson_id: int, user_id: int) -> QuizResult | None:
    """Recompute a person's quiz grade; passing it marks the quiz done for course completion,
    and a completed course's final grade follows it."""
    lesson = db.session.get(Lesson, lesson_id)
    course_id = lesson.module.course_id
    settings = queries.effective_settings(lesson, user_id)
    graded = queries.graded_fractions(lesson_id, user_id)
    result = db.session.get(QuizResult, (lesson_id, user_id))
    enrolment = db.session.scalar(select(Enrolment).where(
        Enrolment.course_id == course_id, Enrolment.user_id == user_id))
    # Completing the course records its final grade (a completion listener); a course already
    # completed gets its final grade again here, since this quiz grade is part of it.
    was_completed = enrolment is not None and enrolment.status == COMPLETED
    if not graded:
        if result is not None:
            db.session.delete(result)
            db.session.flush()
        result = None
    else:
        if result is None:
            result = QuizResult(lesson_id=lesson_id, user_id=user_id, course_id=course_id)
            db.session.add(result)
        result.fraction = _combine(settings.grading_method, graded)
        result.attempts = len(graded)
        result.is_passed = result.fraction * 100 + 1e-9 >= settings.pass_mark
        db.session.flush()
        if result.is_passed and enrolment is not None and enrolment.status in (ACTIVE, COMPLETED):
            # "Continue where you left off" then leads on, not back to the quiz just passed.
            enrolment_ops.complete_lesson(enrolment, lesson,
                                          course_queries.following_lesson_id(lesson))
    if was_completed:
        record_final_grade(enrolment)
    return result


def _compatible(old: QuestionVersion, new: QuestionVersion) -> bool:
    """Whether answers given to `old` mean the same thing for `new` (same type and choices)."""
    if old.qtype == "cloze" == new.qtype:  # same gaps, same kinds, same number of choices
        return cloze.choice_order(old.spec, None) == cloze.choice_order(new.spec, None) and \
            [g.get("kind") for g in old.spec.get("gaps", [])] == \
            [g.get("kind") for g in new.spec.get("gaps", [])]
    return old.qtype == new.qtype and \
        len(old.spec.get("answers", [])) == len(new.spec.get("answers", []))


def regrade_question(question: Question, *, actor_id: int | None = None) -> tuple[int, int, int]:
    """Move finished attempts to the question's current version and grade them again (audited).

    Returns (answers regraded, attempts whose grade changed, answers left on their version
    because the question's type or number of choices changed).
    """
    current = snapshot(question)
    db.session.flush()
    regraded, kept, changed = 0, 0, set()
    for slot, attempt, default_locale in queries.finished_slots_of(question.id):
        if not _compatible(slot.version, current):
            kept += 1
            continue
        before = attempt.fraction
        slot.version = current
        if current.qtype != "essay":
            _grade_slot(slot, attempt.locale, default_locale)
        _total(attempt)
        regraded += 1
        if before != attempt.fraction:
            changed.add(attempt)
    db.session.flush()
    for attempt in changed:
        update_result(attempt.lesson_id, attempt.user_id)
    record_change("quiz.regrade", question.course_id, "question", question.id, actor_id, {
        "question_id": question.id, "version": current.version, "attempts": regraded,
        "grades_changed": len(changed), "kept": kept})
    return regraded, len(changed), kept
