"""A quiz's settings, as stored in its lesson, read with their defaults; and a person's own.

The keys a course package carries (`PACKAGE_DEFAULTS`) are kept as the package wrote them, so an
exported package re-imports byte for byte; the rest are set on the platform.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

HIGHEST, AVERAGE, FIRST, LAST = "highest", "average", "first", "last"
GRADING_METHODS = (HIGHEST, AVERAGE, FIRST, LAST)
IMMEDIATELY, AFTER_CLOSE, NEVER = "immediately", "after_close", "never"
REVIEW_TIMES = (IMMEDIATELY, AFTER_CLOSE, NEVER)

# The settings a course package may carry, with the value taken when it does not.
PACKAGE_DEFAULTS = {
    "time_limit_minutes": 0, "attempts": 0, "pass_mark": 50, "shuffle_questions": False,
    "shuffle_choices": False, "grading_method": HIGHEST, "questions_per_page": 5,
    "grace_minutes": 2, "review_score": IMMEDIATELY, "review_feedback": IMMEDIATELY,
    "review_answers": AFTER_CLOSE,
}
# The keys every package names (the rest are optional in course packages).
PACKAGE_REQUIRED = ("time_limit_minutes", "attempts", "pass_mark", "shuffle_questions",
                    "shuffle_choices")
CHOICES = {"grading_method": GRADING_METHODS, "review_score": REVIEW_TIMES,
           "review_feedback": REVIEW_TIMES, "review_answers": REVIEW_TIMES}
LIMITS = {"time_limit_minutes": 24 * 60, "attempts": 100, "pass_mark": 100,
          "questions_per_page": 100, "grace_minutes": 60}


def problem_with(key: str, value) -> bool:
    """Whether `value` is wrong for setting `key` (its type, its range or its choices)."""
    fallback = PACKAGE_DEFAULTS[key]
    if type(value) is not type(fallback):
        return True
    if isinstance(value, int) and not 0 <= value <= LIMITS.get(key, value):
        return True
    return key in CHOICES and value not in CHOICES[key]


@dataclass(frozen=True)
class QuizSettings:
    time_limit_minutes: int
    attempts: int  # 0: unlimited
    pass_mark: int  # a percentage
    shuffle_questions: bool
    shuffle_choices: bool
    grading_method: str
    questions_per_page: int  # 0: all on one page
    grace_minutes: int
    review_score: str
    review_feedback: str
    review_answers: str
    opens_at: datetime | None = None
    closes_at: datetime | None = None

    @property
    def time_limit(self) -> timedelta | None:
        return timedelta(minutes=self.time_limit_minutes) if self.time_limit_minutes else None

    def with_override(self, **changes) -> QuizSettings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def _when(value) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def read(settings: dict | None) -> QuizSettings:
    """The settings of a quiz lesson, every missing or wrong value replaced by its default."""
    settings = settings or {}
    values = {key: settings[key] if key in settings and not problem_with(key, settings[key])
              else fallback for key, fallback in PACKAGE_DEFAULTS.items()}
    return QuizSettings(**values, opens_at=_when(settings.get("opens_at")),
                        closes_at=_when(settings.get("closes_at")))


def write(settings: QuizSettings) -> dict:
    """The dict stored in the lesson: every setting, dates as ISO text in UTC."""
    stored = {key: getattr(settings, key) for key in PACKAGE_DEFAULTS}
    for key in ("opens_at", "closes_at"):
        value = getattr(settings, key)
        if value is not None:
            stored[key] = value.isoformat()
    return stored


def for_package(stored: dict) -> dict:
    """The settings a course package carries, in their usual order: those stored, and the
    required ones with their defaults (dates belong to one run of a course, not to it)."""
    return {key: stored.get(key, fallback) for key, fallback in PACKAGE_DEFAULTS.items()
            if key in stored or key in PACKAGE_REQUIRED}
