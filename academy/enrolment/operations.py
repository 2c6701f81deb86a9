"""Every change to enrolments and progress. Never commits.

Capacity is race-free: every change that may take or free a place locks the course row first
(SELECT … FOR UPDATE on PostgreSQL; SQLite's write transactions already run one at a time), so
counting the places and taking one happen as one step, and waiting-list promotion is exactly-once.
"""
from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import LazyString
from sqlalchemy import func, select

from academy import ratelimit
from academy.audit import operations as audit
from academy.curricula import policy as course_policy
from academy.curricula.models import PUBLISHED, Course, Lesson, Module, is_current
from academy.db import utcnow
from academy.domain_errors import DomainError
from academy.enrolment.models import (
    ACTIVE,
    APPROVAL,
    CLOSED,
    COMPLETED,
    HOLDING_A_PLACE,
    KEY,
    MARKED,
    PENDING,
    POLICIES,
    VIEWED,
    WAITLISTED,
    WITHDRAWN,
    AllowedAcademy,
    Enrolment,
    EnrolmentRules,
    LessonProgress,
)
from academy.enrolment.queries import Reading
from academy.enrolment.signals import course_completed
from academy.extensions import db
from academy.i18n import lazy_gettext as _l


class EnrolmentRefused(DomainError):
    """Enrolment is not possible; the message says why, in the person's language."""


def rules_of(course: Course) -> EnrolmentRules:
    """The course's enrolment rules (defaults: open, no limits) — not added to the session."""
    return db.session.get(EnrolmentRules, course.id) or default_rules(course)


def rules_read(reading: Reading) -> EnrolmentRules:
    """The rules of a course read with `queries.course_for_reader` (no statement more)."""
    return reading.rules or default_rules(reading.course)


def default_rules(course: Course) -> EnrolmentRules:
    """The rules of a course that has set none: open, no limits (not added to the session)."""
    return EnrolmentRules(course_id=course.id, policy="open", allow_withdrawal=True,
                          completion_mode=VIEWED)


def _lock(course: Course) -> None:
    db.session.execute(select(Course.id).where(Course.id == course.id).with_for_update())


def places_taken(course_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Enrolment).where(
        Enrolment.course_id == course_id, Enrolment.status.in_(HOLDING_A_PLACE))) or 0


def _enrolment(course: Course, user) -> Enrolment | None:
    return db.session.scalar(select(Enrolment).where(Enrolment.course_id == course.id,
                                                     Enrolment.user_id == user.id))


def enrolment_in(course: Course, user) -> Enrolment | None:
    """The person's enrolment in the course (in any status), if they ever had one."""
    return _enrolment(course, user)


def refusal(user, course: Course, rules: EnrolmentRules, now: datetime):
    """Why this person cannot enrol themselves now (a translated message), or None."""
    if course.status != PUBLISHED:
        return _l("This course is not open for enrolment.")
    if rules.policy == CLOSED:
        return _l("Enrolment in this course is closed: your academy enrols its participants.")
    return rules_refusal(rules, user.academy_id, now)


def rules_refusal(rules: EnrolmentRules, academy_id: int | None, now: datetime):
    """Why the course's enrolment window or admitted academies keep people of this academy out
    now (a translated message), or None."""
    if rules.opens_at and now < rules.opens_at:
        return _l("Enrolment has not opened yet.")
    if rules.closes_at and now > rules.closes_at:
        return _l("Enrolment has closed.")
    allowed = rules.allowed_academy_ids
    if allowed and academy_id not in allowed:
        return _l("This course is not open to people of your academy.")
    return None


def _key_limit() -> ratelimit.Limit:
    return ratelimit.Limit(current_app.config["ENROLMENT_KEY_ATTEMPTS"], 15 * 60)


def _key_refusal(user, course: Course, rules: EnrolmentRules, key: str | None):
    """Why the key does not open the course (a wrong one is counted against its limit), or None."""
    limit, name = _key_limit(), f"enrol-key:{course.id}:{user.id}"
    if ratelimit.is_limited(name, limit):
        return _l("Too many wrong keys. Wait a few minutes and try again.")
    if not key or not rules.enrolment_key or not hmac.compare_digest(
            key.strip().encode(), rules.enrolment_key.encode()):
        ratelimit.record_hit(name, limit)
        return _l("This enrolment key is not right.")
    return None


def _place_or_wait(enrolment: Enrolment, course: Course, rules: EnrolmentRules) -> None:
    now = utcnow()
    if rules.capacity is not None and places_taken(course.id) >= rules.capacity:
        enrolment.status = WAITLISTED
    else:
        enrolment.status, enrolment.activated_at = ACTIVE, now


def _start(course: Course, user) -> Enrolment:
    enrolment = _enrolment(course, user)
    if enrolment is None:
        enrolment = Enrolment(course_id=course.id, user_id=user.id, status=PENDING)
        db.session.add(enrolment)
    enrolment.requested_at, enrolment.withdrawn_at, enrolment.promoted_at = utcnow(), None, None
    return enrolment


@dataclass(frozen=True)
class SelfEnrolment:
    """What asking to join a course came to: the enrolment, or why not (a wrong key is counted
    against its limit even then, so the caller commits either way)."""

    enrolment: Enrolment | None
    refusal: LazyString | None = None


def enrol_self(user, course: Course, key: str | None = None) -> SelfEnrolment:
    """A person joins a course by themselves, as its rules allow. Idempotent: asking twice
    changes nothing."""
    _lock(course)
    existing = _enrolment(course, user)
    if existing is not None and existing.status != WITHDRAWN:
        return SelfEnrolment(existing)
    rules = rules_of(course)
    reason = refusal(user, course, rules, utcnow())
    if reason is None and rules.policy == KEY:
        reason = _key_refusal(user, course, rules, key)
    if reason is not None:
        return SelfEnrolment(None, reason)
    enrolment = _start(course, user)
    if rules.policy == APPROVAL:
        enrolment.status = PENDING
    else:
        _place_or_wait(enrolment, course, rules)
    db.session.flush()
    return SelfEnrolment(enrolment)


def _record(action: str, enrolment: Enrolment, course: Course, actor_id: int | None,
            details: dict | None = None) -> None:
    """Audit a staff decision on someone's enrolment (filed under the course's academy)."""
    audit.record(action, actor_id=actor_id, target_type="enrolment", target_id=enrolment.id,
                 academy_id=course.academy_id, details={
                     "course_id": course.id, "user_id": enrolment.user_id,
                     "status": enrolment.status, **(details or {})})


def enrol_by_staff(user, course: Course, *, actor_id: int | None = None) -> Enrolment:
    """Staff enrol someone, whatever the policy and dates; a full course puts them on the list.
    Audited, unless they already hold a place or wait for one (nothing changes then).

    Raises EnrolmentRefused if the person cannot see the course (or is deactivated).
    """
    if not user.is_active or not course_policy.can_view_course(user, course):
        raise EnrolmentRefused(_l("%(name)s cannot be enrolled: the course is not published for "
                                  "their academy.", name=user.display_name))
    _lock(course)
    existing = _enrolment(course, user)
    if existing is not None and existing.status in (ACTIVE, COMPLETED, WAITLISTED):
        return existing
    enrolment = _start(course, user)
    _place_or_wait(enrolment, course, rules_of(course))
    db.session.flush()
    _record("enrolment.staff_enrol", enrolment, course, actor_id)
    return enrolment


def approve(enrolment: Enrolment, course: Course, *, actor_id: int | None = None) -> None:
    """Accept a request: the person gets a place, or joins the waiting list if the course is full.
    Raises EnrolmentRefused when the request was already handled."""
    _lock(course)
    if enrolment.status != PENDING:
        raise EnrolmentRefused(_l("This request has already been handled."))
    _place_or_wait(enrolment, course, rules_of(course))
    db.session.flush()
    _record("enrolment.approve", enrolment, course, actor_id)


def withdraw_by_staff(enrolment: Enrolment, course: Course, *, actor_id: int | None = None) -> None:
    """Staff end someone's enrolment or refuse their request (audited, with what it was)."""
    before = enrolment.status
    withdraw(enrolment, course)
    if before != WITHDRAWN:
        _record("enrolment.withdraw_by_staff", enrolment, course, actor_id, {"before": before})


def withdraw(enrolment: Enrolment, course: Course) -> None:
    """End an enrolment (a refused request too); a freed place goes to the first person waiting."""
    _lock(course)
    if enrolment.status == WITHDRAWN:
        return
    held_a_place = enrolment.status in HOLDING_A_PLACE
    enrolment.status, enrolment.withdrawn_at = WITHDRAWN, utcnow()
    db.session.flush()
    if held_a_place:
        promote_waiting(course)


def promote_waiting(course: Course) -> list[Enrolment]:
    """Give free places to the people waiting longest (call with the course locked)."""
    rules = rules_of(course)
    free = None if rules.capacity is None else rules.capacity - places_taken(course.id)
    waiting = select(Enrolment).where(Enrolment.course_id == course.id,
                                      Enrolment.status == WAITLISTED).order_by(
        Enrolment.requested_at, Enrolment.id)
    if free is not None:
        if free <= 0:
            return []
        waiting = waiting.limit(free)
    promoted = list(db.session.scalars(waiting))
    now = utcnow()
    for enrolment in promoted:
        enrolment.status, enrolment.activated_at, enrolment.promoted_at = ACTIVE, now, now
    db.session.flush()
    return promoted


def save_rules(course: Course, *, policy: str, enrolment_key: str | None, capacity: int | None,
               opens_at, closes_at, starts_at, ends_at, allow_withdrawal: bool,
               completion_mode: str, allowed_academy_ids: set[int]) -> EnrolmentRules:
    """Change a course's enrolment rules; a larger capacity promotes people waiting."""
    if policy not in POLICIES:
        raise DomainError(_l("Choose how people enrol."), "policy")
    if policy == KEY and not (enrolment_key or "").strip():
        raise DomainError(_l("Give the key that participants must type."), "enrolment_key")
    if capacity is not None and capacity < 1:
        raise DomainError(_l("The number of places must be at least 1."), "capacity")
    if opens_at and closes_at and closes_at <= opens_at:
        raise DomainError(_l("Enrolment must close after it opens."), "closes_at")
    if starts_at and ends_at and ends_at <= starts_at:
        raise DomainError(_l("The course must end after it starts."), "ends_at")
    if completion_mode not in (VIEWED, MARKED):
        raise DomainError(_l("Choose how lessons count as done."), "completion_mode")
    _lock(course)
    rules = db.session.get(EnrolmentRules, course.id)
    if rules is None:
        rules = EnrolmentRules(course_id=course.id)
        db.session.add(rules)
    rules.policy, rules.capacity = policy, capacity
    rules.enrolment_key = (enrolment_key or "").strip() or None
    rules.opens_at, rules.closes_at, rules.starts_at, rules.ends_at = (
        opens_at, closes_at, starts_at, ends_at)
    rules.allow_withdrawal, rules.completion_mode = allow_withdrawal, completion_mode
    rules.allowed_academies = [AllowedAcademy(academy_id=a) for a in sorted(allowed_academy_ids)]
    db.session.flush()
    promote_waiting(course)
    return rules


# --- Progress ----------------------------------------------------------------------------------

def required_lessons(course_id: int) -> list[int]:
    """The lessons a course's completion asks for: every page read and every quiz passed."""
    stmt = (select(Lesson.id).join(Module, Module.id == Lesson.module_id)
            .where(Module.course_id == course_id, is_current()))
    return list(db.session.scalars(stmt))


def touch(enrolment: Enrolment, lesson_id: int, now: datetime) -> None:
    """Remember where the person is, for "continue where you left off"."""
    enrolment.last_lesson_id, enrolment.last_activity_at = lesson_id, now


def complete_lesson(enrolment: Enrolment, lesson: Lesson,
                    next_lesson_id: int | None = None) -> bool:
    """Record a lesson as done (once); complete the course when every required lesson is done.

    `next_lesson_id` is where the person goes on to: "continue where you left off" opens it.
    Returns whether the course became completed just now; then `course_completed` is sent,
    and its receivers write in the same transaction (quizzes keep the final grade, certificates
    issue one), so enrolment depends on neither.
    """
    if enrolment.status not in (ACTIVE, COMPLETED):
        raise EnrolmentRefused(_l("You are not enrolled in this course."))
    exists = db.session.scalar(select(LessonProgress.id).where(
        LessonProgress.user_id == enrolment.user_id, LessonProgress.lesson_id == lesson.id))
    if exists is None:
        db.session.add(LessonProgress(user_id=enrolment.user_id, lesson_id=lesson.id))
    enrolment.last_lesson_id, enrolment.last_activity_at = next_lesson_id or lesson.id, utcnow()
    db.session.flush()
    if enrolment.status == COMPLETED:
        return False
    required = required_lessons(enrolment.course_id)
    done = db.session.scalar(select(func.count()).select_from(LessonProgress).where(
        LessonProgress.user_id == enrolment.user_id, LessonProgress.lesson_id.in_(required)))
    if required and done >= len(required):
        enrolment.status, enrolment.completed_at = COMPLETED, utcnow()
        db.session.flush()
        course_completed.send(enrolment)
        return True
    return False


class EnrolmentImportRejected(DomainError):
    """The enrolment file has problems; nobody was enrolled."""

    def __init__(self, preview) -> None:
        super().__init__(_l("The file has problems; nobody was enrolled."), "csv_file")
        self.preview = preview


def enrol_from_csv(course: Course, data: bytes, *, actor_id: int | None = None) -> list[Enrolment]:
    """Enrol everyone the CSV names, or nobody (audited: the import, and each new enrolment).
    Raises EnrolmentImportRejected."""
    from academy.enrolment.importing import read_enrolment_csv

    preview = read_enrolment_csv(data, course)
    if not preview.is_valid:
        raise EnrolmentImportRejected(preview)
    enrolments = [enrol_by_staff(row.person, course, actor_id=actor_id) for row in preview.rows]
    audit.record("enrolment.import", actor_id=actor_id, target_type="course", target_id=course.id,
                 academy_id=course.academy_id, details={"rows": len(enrolments)})
    return enrolments


def enrol_people(course: Course, people, *, actor_id: int | None = None
                 ) -> tuple[list[Enrolment], list]:
    """Enrol several people at once (a cohort): places first, then the waiting list.

    Returns (enrolments, people who cannot be enrolled: deactivated or not able to see it).
    """
    enrolments, refused = [], []
    for person in people:
        if person.is_active and course_policy.can_view_course(person, course):
            enrolments.append(enrol_by_staff(person, course, actor_id=actor_id))
        else:
            refused.append(person)
    return enrolments, refused
