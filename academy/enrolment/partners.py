"""Enrolling one's own academy's people in another academy's course shared with the network,
without adopting (copying) it: within the course's rules (the enrolment window, the academies
it admits, its places: a full course puts people on its waiting list). Never commits."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import LazyString

from academy.curricula.models import PUBLISHED, Course
from academy.enrolment import operations
from academy.enrolment.models import ACTIVE, COMPLETED, WAITLISTED, EnrolmentRules
from academy.i18n import lazy_gettext as _l

ENROLLED, WAITING, ALREADY, REFUSED = "enrolled", "waitlisted", "already", "refused"


@dataclass(frozen=True)
class Placement:
    """What happened to one person: enrolled, waiting for a place, already in, or refused and
    why (a translated message)."""

    person: object
    outcome: str
    reason: LazyString | None = None


def course_refusal(course: Course, rules: EnrolmentRules, academy_id: int,
                   now: datetime) -> LazyString | None:
    """Why nobody of this academy can be enrolled in the course now, or None."""
    if course.status != PUBLISHED or not course.is_shared:
        return _l("This course is not shared with the network.")
    return operations.rules_refusal(rules, academy_id, now)


def enrol_for_academy(course: Course, academy_id: int, people, now: datetime, *,
                      actor_id: int | None = None) -> list[Placement]:
    """Enrol these people of the academy in the course, each with the outcome and its reason."""
    rules = operations.rules_of(course)
    refusal = course_refusal(course, rules, academy_id, now)
    if refusal is not None:
        return [Placement(person, REFUSED, refusal) for person in people]
    placements = []
    for person in people:
        placements.append(_place(course, academy_id, person, actor_id))
    return placements


def _place(course: Course, academy_id: int, person, actor_id: int | None) -> Placement:
    if person.academy_id != academy_id:
        return Placement(person, REFUSED, _l("Not a member of your academy."))
    if not person.is_active:
        return Placement(person, REFUSED, _l("The account is deactivated."))
    existing = operations.enrolment_in(course, person)
    if existing is not None and existing.status in (ACTIVE, COMPLETED, WAITLISTED):
        return Placement(person, ALREADY, _l("Already enrolled.") if existing.status != WAITLISTED
                         else _l("Already on the waiting list."))
    enrolment = operations.enrol_by_staff(person, course, actor_id=actor_id)
    return Placement(person, WAITING if enrolment.status == WAITLISTED else ENROLLED)
