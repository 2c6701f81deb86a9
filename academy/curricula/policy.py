"""Who may see, read and author courses."""
from __future__ import annotations

from academy.accounts.roles import ACADEMY_ADMIN, INSTRUCTOR
from academy.curricula.models import PUBLISHED


def belongs_to(user, academy_id: int) -> bool:
    """Whether the person is of this academy (home academy, or any role held there)."""
    if not user.is_authenticated:
        return False
    return user.academy_id == academy_id or bool(user.roles_in(academy_id))


def can_author_in(user, academy_id: int) -> bool:
    """Instructors and academy admins write their academy's courses."""
    return user.is_authenticated and bool(user.roles_in(academy_id) & {INSTRUCTOR, ACADEMY_ADMIN})


def can_edit_course(user, course) -> bool:
    return course is not None and can_author_in(user, course.academy_id)


def is_locked(course) -> bool:
    """A course shared with the network changes only through a revision (the network keeps
    the approved version until a coordinator approves the next one)."""
    return course.is_shared and course.revision_of_id is None


def can_edit_course_content(user, course) -> bool:
    """Its authors write a course's content while no approved version is shared with the
    network; a revision is always written."""
    return can_edit_course(user, course) and not is_locked(course)


def can_view_course(user, course) -> bool:
    """The course page: published and shared with the network, or of one's own academy.

    Authors of the owner academy also see its drafts and archived courses.
    """
    if course is None:
        return False
    if can_edit_course(user, course):
        return True
    if course.status != PUBLISHED:
        return False
    return course.is_shared or belongs_to(user, course.academy_id)


def can_review_sharing(user) -> bool:
    """Network coordinators decide what is shared with the whole network."""
    return bool(user.is_authenticated and user.is_coordinator)


def authoring_academy_ids(user) -> set[int]:
    """The academies whose courses this person writes."""
    if not user.is_authenticated:
        return set()
    return {m.academy_id for m in user.memberships if m.role in (INSTRUCTOR, ACADEMY_ADMIN)}


def can_adopt(user, course) -> bool:
    """Authors of another academy may copy a course that is shared with the network."""
    return bool(course is not None and course.is_shared
                and authoring_academy_ids(user) - {course.academy_id})
