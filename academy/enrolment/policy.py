"""Who may enrol, read lessons, and manage a course's enrolments."""
from __future__ import annotations

from academy.curricula import policy as course_policy
from academy.curricula.models import NETWORK
from academy.enrolment.models import ACTIVE, COMPLETED


def can_read_lessons(user, course, enrolment) -> bool:
    """Lessons are for enrolled people, the course's authors, and coordinators reviewing it."""
    if not user.is_authenticated or course is None:
        return False
    if course_policy.can_edit_course(user, course):
        return True
    if user.is_coordinator and course.visibility == NETWORK:
        return True
    return enrolment is not None and enrolment.status in (ACTIVE, COMPLETED) \
        and course_policy.can_view_course(user, course)


def can_manage_enrolments(user, course) -> bool:
    """The owner academy's instructors and admins run the course's enrolment."""
    return course_policy.can_edit_course(user, course)


def can_enrol(user, course) -> bool:
    """Anyone signed in who can see the course may try (the rules then say yes or why not)."""
    return user.is_authenticated and course_policy.can_view_course(user, course)


def partner_academy_ids(user, course) -> set[int]:
    """The academies for which this person (their instructor or admin) may enrol people in
    another academy's course shared with the network, without adopting it."""
    if not user.is_authenticated or course is None or not course.is_shared:
        return set()
    return course_policy.authoring_academy_ids(user) - {course.academy_id}
