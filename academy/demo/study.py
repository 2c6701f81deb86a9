"""One demo trainee following one course: study sessions, quiz attempts, and the clock.

The domains' operations do the work, so progress, attempts, grades and completion follow the real
rules. Operations that take a moment (quiz attempts, essay grading) are given the story's; the
others stamp the present, so the moments they should carry are collected here and written over
those stamps at the end (`Story.backdate`).
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import bindparam, update

from academy.curricula.models import PAGE, Course, Lesson
from academy.db import UTCDateTime
from academy.demo.answers import responses_for
from academy.demo.data import ESSAY_COMMENTS
from academy.enrolment import operations as enrolment_ops
from academy.enrolment.models import COMPLETED, Enrolment, LessonProgress
from academy.extensions import db
from academy.quizzes import answering, closing, marking, starting
from academy.quizzes import queries as quiz_queries
from academy.quizzes.models import QuizResult

STUDY_HOURS = (8, 9, 10, 11, 12, 15, 16, 17, 18, 19, 20, 21)  # local time
FIRST_SESSION_DAYS = (0, 0, 0, 1, 1, 2, 3, 5, 9)  # from enrolment to the first lesson
NEVER_STARTS = 0.05  # the chance that someone enrolled never opens a lesson
LATER_MODULES = 0.04  # how much harder each module's quiz is than the one before


@dataclass
class Learner:
    """A demo trainee as a student: how well, how often and how steadily they study."""

    user: object
    locale: str
    utc_offset: int  # hours: they study in their own working hours
    ability: float = 0.75  # roughly the share of questions they get right
    pace_days: float = 3.0  # mean days between study sessions
    steadiness: float = 1.0  # multiplies the chance of giving up (0: never gives up)


@dataclass
class Plan:
    """A course as the demo walks it: its lessons in order, and who grades its essays."""

    course: Course
    lessons: list[Lesson]
    grader: object | None

    def next_id(self, index: int) -> int | None:
        return self.lessons[index + 1].id if index + 1 < len(self.lessons) else None

    def module_index(self, lesson: Lesson) -> int:
        """0 for a lesson of the first module, 1 of the second, and so on."""
        return list(dict.fromkeys(item.module_id for item in self.lessons)).index(lesson.module_id)


@dataclass
class Walk:
    """How one enrolment went: when it began, the last moments of study, and why it stopped."""

    enrolment: Enrolment
    course: Course
    learner: Learner
    started_at: datetime
    last_at: datetime | None = None  # the trainee's last action
    done_at: datetime | None = None  # the last lesson counted as done
    gave_up: bool = False  # stopped (or stuck at a quiz), not merely out of time

    @property
    def is_completed(self) -> bool:
        return self.enrolment.status == COMPLETED


@dataclass
class Story:
    """The demo's clock and random numbers, and the moments to write back."""

    now: datetime  # the end of the story: nothing happens from then on
    rng: random.Random
    progress: list[dict] = field(default_factory=list)
    results: list[dict] = field(default_factory=list)

    def plan(self, course: Course, grader) -> Plan:
        """The course's lessons in order, with who grades its essays."""
        lessons = [lesson for module in course.modules for lesson in module.lessons]
        return Plan(course, lessons, grader)

    # --- Time ------------------------------------------------------------------------------

    def session_after(self, moment: datetime, learner: Learner, days: int) -> datetime:
        """A study session `days` after `moment`, at a working hour of the trainee's day."""
        offset = timedelta(hours=learner.utc_offset)
        day = (moment + offset + timedelta(days=days)).date()
        local = datetime.combine(day, time(self.rng.choice(STUDY_HOURS), self.rng.randrange(60)),
                                 tzinfo=UTC)
        return max(local - offset, moment + timedelta(minutes=20))

    def days_between(self, learner: Learner) -> int:
        """Days to the next session: the trainee's pace, give or take (one month at most)."""
        return min(30, max(1, round(self.rng.expovariate(1 / learner.pace_days))))

    def reading(self, lesson: Lesson) -> timedelta:
        """How long a lesson takes to read: around its estimated minutes."""
        return timedelta(minutes=(lesson.minutes or 15) * self.rng.uniform(0.45, 1.35) + 2)

    def gives_up(self, index: int, count: int, learner: Learner) -> bool:
        """Whether the trainee stops before this lesson: more often the further they are."""
        hazard = NEVER_STARTS if index == 0 else 0.02 + 0.08 * (index / (count - 1)) ** 1.5
        return self.rng.random() < hazard * learner.steadiness

    # --- Studying --------------------------------------------------------------------------

    def follow(self, plan: Plan, learner: Learner, enrolment: Enrolment, start: datetime, *,
               must_complete: bool = False) -> Walk:
        """Study the course from `start` until done, given up, stuck or out of time (now)."""
        walk = Walk(enrolment, plan.course, learner, start)
        moment = self.session_after(start, learner, self.rng.choice(FIRST_SESSION_DAYS))
        left = self.rng.randint(1, 4)
        for index, lesson in enumerate(plan.lessons):
            if not must_complete and self.gives_up(index, len(plan.lessons), learner):
                walk.gave_up = True
                break
            if lesson.kind == PAGE:
                if not self._read(plan, index, walk, moment):
                    break
            elif not self._quiz(plan, lesson, walk, moment, must_complete):
                break
            moment, left = walk.last_at, left - 1
            if left <= 0:
                moment = self.session_after(moment, learner, self.days_between(learner))
                left = self.rng.randint(1, 4)
            else:
                moment += timedelta(minutes=self.rng.randint(1, 6))
        self._stamp(walk)
        return walk

    def _read(self, plan: Plan, index: int, walk: Walk, moment: datetime) -> bool:
        """Read a page and mark it done (False: it would end after now)."""
        lesson = plan.lessons[index]
        done_at = moment + self.reading(lesson)
        if done_at >= self.now:
            return False
        enrolment_ops.complete_lesson(walk.enrolment, lesson, plan.next_id(index))
        self._done(walk, lesson.id, done_at)
        walk.last_at = done_at
        return True

    def _done(self, walk: Walk, lesson_id: int, moment: datetime) -> None:
        self.progress.append({"u": walk.learner.user.id, "l": lesson_id, "t": moment})
        walk.done_at = max(walk.done_at or moment, moment)

    def _quiz(self, plan: Plan, lesson: Lesson, walk: Walk, moment: datetime,
              must_pass: bool) -> bool:
        """Attempts until passed or none left; False when the quiz stops the trainee."""
        settings = quiz_queries.effective_settings(lesson, walk.learner.user.id)
        ability = walk.learner.ability - LATER_MODULES * plan.module_index(lesson)
        tries = settings.attempts or 3
        for number in range(1, tries + 1):
            graded_at = self._attempt(plan, lesson, settings, walk, moment, ability,
                                      must_pass and number == tries)
            if graded_at is None:
                return False  # out of time, or waiting for the instructor
            if self._passed(walk, lesson, graded_at):
                return True
            ability = min(0.97, ability + 0.15)  # they read the module again
            moment = self.session_after(graded_at, walk.learner, self.days_between(walk.learner))
        walk.gave_up = True  # no attempt left
        return False

    def _attempt(self, plan: Plan, lesson: Lesson, settings, walk: Walk, moment: datetime,
                 ability: float, must_pass: bool) -> datetime | None:
        """One attempt from `moment`: answered, submitted, graded. When it was graded (None:
        it would end after now, or its essays wait for the instructor)."""
        longest = max(6, min(18, (settings.time_limit_minutes or 30) - 2))
        end = moment + timedelta(minutes=self.rng.uniform(5, longest))
        if end >= self.now:
            return None
        attempt = starting.start_attempt(walk.enrolment, lesson, plan.course, settings,
                                         walk.learner.locale, moment)
        answers = responses_for(attempt, plan.course.default_locale, ability, self.rng, must_pass)
        answering.save_answers(attempt, answers, 1, end - timedelta(seconds=40))
        closing.submit_attempt(attempt, end)
        walk.last_at = end
        if attempt.fraction is not None:
            return end
        return self._grade_essays(plan, attempt, end, ability, must_pass)

    def _passed(self, walk: Walk, lesson: Lesson, graded_at: datetime) -> bool:
        """Whether the quiz is passed now (then it counts as done when it was graded)."""
        user_id = walk.learner.user.id
        self.results.append({"u": user_id, "l": lesson.id, "t": graded_at})
        result = db.session.get(QuizResult, (lesson.id, user_id))
        if result is None or not result.is_passed:
            return False
        self._done(walk, lesson.id, graded_at)
        return True

    def _grade_essays(self, plan: Plan, attempt, end: datetime, ability: float,
                      must_pass: bool) -> datetime | None:
        """The instructor grades the attempt's essays a day or three later (None: not yet)."""
        graded_at = end + timedelta(hours=self.rng.uniform(16, 80))
        if plan.grader is None or graded_at >= self.now:
            return None
        for slot in attempt.slots:
            if slot.version.qtype == "essay" and slot.fraction is None:
                mark = min(1.0, max(0.3, round((ability + self.rng.gauss(0, 0.12)) * 20) / 20))
                marking.grade_essay(attempt, slot, max(mark, 0.8) if must_pass else mark,
                                    self.rng.choice(ESSAY_COMMENTS), plan.grader, graded_at)
        return graded_at

    def _stamp(self, walk: Walk) -> None:
        """The enrolment's own moments, as the story has them."""
        enrolment = walk.enrolment
        enrolment.requested_at = walk.started_at
        if enrolment.activated_at is not None:
            enrolment.activated_at = walk.started_at
        if enrolment.last_activity_at is not None:
            enrolment.last_activity_at = max(walk.last_at or walk.started_at,
                                             walk.done_at or walk.started_at)
        if enrolment.status == COMPLETED:
            enrolment.completed_at = walk.done_at

    # --- Writing the moments back ------------------------------------------------------------

    def backdate(self) -> None:
        """Write the collected moments over the present the operations stamped."""
        db.session.flush()
        when = bindparam("t", type_=UTCDateTime())
        for table, column, rows in ((LessonProgress.__table__, "completed_at", self.progress),
                                    (QuizResult.__table__, "updated_at", self.results)):
            if rows:
                db.session.execute(update(table).where(
                    table.c.user_id == bindparam("u"), table.c.lesson_id == bindparam("l"))
                    .values({column: when}), rows)
        self.progress, self.results = [], []
        db.session.expire_all()
