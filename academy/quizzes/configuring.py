"""Changing a quiz's settings, and the exceptions to them for one trainee or one cohort
(overrides, audited). Never commits."""
from __future__ import annotations

from dataclasses import replace

from academy.curricula.models import Lesson
from academy.extensions import db
from academy.i18n import lazy_gettext as _l
from academy.quizzes import queries, slots
from academy.quizzes import settings as quiz_settings
from academy.quizzes.marking import record_change
from academy.quizzes.models import QuizOverride
from academy.quizzes.settings import QuizSettings
from academy.quizzes.starting import QuizRefused


def save_settings(lesson: Lesson, settings: QuizSettings) -> None:
    """Store a quiz's settings; a new number of questions per page lays its pages out again.
    Raises QuizRefused when the dates are the wrong way round (nothing is written then)."""
    if settings.opens_at and settings.closes_at and settings.closes_at <= settings.opens_at:
        raise QuizRefused(_l("The quiz must close after it opens."), "closes_at")
    before = quiz_settings.read(lesson.settings).questions_per_page
    lesson.settings = quiz_settings.write(settings)
    if settings.questions_per_page != before:
        slots.repaginate(lesson.id, settings.questions_per_page)
    db.session.flush()


def save_dates(lesson: Lesson, *, opens_at, closes_at) -> None:
    """Set only when the quiz opens and closes (the other settings stay). Raises QuizRefused
    when the dates are the wrong way round (nothing is written then)."""
    current = quiz_settings.read(lesson.settings)
    save_settings(lesson, replace(current, opens_at=opens_at, closes_at=closes_at))


def add_override(lesson: Lesson, *, user_id: int | None, cohort_id: int | None,
                 actor_id: int | None = None, **values) -> QuizOverride:
    """Other dates, time or attempts for one person or one cohort (replacing theirs, if any;
    audited). Raises QuizRefused."""
    if (user_id is None) == (cohort_id is None):
        raise QuizRefused(_l("Choose a trainee or a cohort."), "who")
    if all(value is None for value in values.values()):
        raise QuizRefused(_l("Change at least one setting for this trainee or cohort."))
    if values.get("opens_at") and values.get("closes_at") and \
            values["closes_at"] <= values["opens_at"]:
        raise QuizRefused(_l("The quiz must close after it opens."), "closes_at")
    for old in queries.overrides_of(lesson.id):
        if (old.user_id, old.cohort_id) == (user_id, cohort_id):
            db.session.delete(old)
    override = QuizOverride(lesson_id=lesson.id, user_id=user_id, cohort_id=cohort_id, **values)
    db.session.add(override)
    db.session.flush()
    record_change("quiz.override_add", lesson.module.course_id, "lesson", lesson.id, actor_id,
            _override_details(override))
    return override


def delete_override(override: QuizOverride, *, actor_id: int | None = None) -> None:
    """Remove a trainee's or a cohort's exception (audited)."""
    lesson = db.session.get(Lesson, override.lesson_id)
    record_change("quiz.override_delete", lesson.module.course_id, "lesson", lesson.id, actor_id,
            _override_details(override))
    db.session.delete(override)
    db.session.flush()


def _override_details(override: QuizOverride) -> dict:
    # Dates as ISO text: the details are plain JSON.
    when = {name: getattr(override, name) for name in ("opens_at", "closes_at")}
    return {"override_id": override.id, "user_id": override.user_id,
            "cohort_id": override.cohort_id,
            "time_limit_minutes": override.time_limit_minutes, "attempts": override.attempts,
            **{name: value.isoformat() if value else None for name, value in when.items()}}
