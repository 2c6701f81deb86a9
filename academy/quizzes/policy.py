"""Who may take a quiz, see an attempt and what of it, and run a course's quizzes and bank."""
from __future__ import annotations

from datetime import datetime

from academy.curricula import policy as course_policy
from academy.enrolment import policy as enrolment_policy
from academy.enrolment.models import ACTIVE, COMPLETED, WITHDRAWN
from academy.people import policy as people_policy
from academy.quizzes.settings import AFTER_CLOSE, IMMEDIATELY, QuizSettings


def can_manage_quizzes(user, course) -> bool:
    """The owner academy's instructors and admins: bank, settings, grading, gradebook."""
    return course_policy.can_edit_course(user, course)


def can_take_quiz(user, course, enrolment) -> bool:
    """Enrolled people take quizzes (authors preview questions in the bank instead)."""
    return enrolment is not None and enrolment.status in (ACTIVE, COMPLETED) \
        and enrolment_policy.can_read_lessons(user, course, enrolment)


def can_view_attempt(user, attempt, course) -> bool:
    """An attempt is its trainee's, and their course's instructors'; nobody else's."""
    if not user.is_authenticated or attempt is None:
        return False
    return attempt.user_id == user.id or can_manage_quizzes(user, course)


def can_answer(user, attempt) -> bool:
    """Only the trainee answers their own attempt (staff read it, never change it)."""
    return user.is_authenticated and attempt is not None and attempt.user_id == user.id


def can_see_grades(user, person, course=None, enrolment=None) -> bool:
    """A person's grades are theirs, their academy's admins', the network coordinators', and in
    one course its instructors'; a course's grades exist once the person took it (enrolled, or
    had been)."""
    if not user.is_authenticated or person is None:
        return False
    if course is not None and (enrolment is None
                               or enrolment.status not in (ACTIVE, COMPLETED, WITHDRAWN)):
        return False
    if user.id == person.id:
        return True
    if user.is_coordinator or people_policy.can_manage_person(user, person):
        return True
    return course is not None and can_manage_quizzes(user, course)


def is_staff_reader(user, person) -> bool:
    """Whether someone reads another person's grades as staff (every score shown)."""
    return user.is_authenticated and person is not None and user.id != person.id


class Review:
    """What the review of a finished attempt shows its trainee, by the quiz's review options."""

    def __init__(self, settings: QuizSettings, now: datetime, is_staff: bool) -> None:
        closed = settings.closes_at is not None and now >= settings.closes_at
        self.score = is_staff or _allowed(settings.review_score, closed)
        self.feedback = is_staff or _allowed(settings.review_feedback, closed)
        self.answers = is_staff or _allowed(settings.review_answers, closed)


def _allowed(when: str, closed: bool) -> bool:
    return when == IMMEDIATELY or (when == AFTER_CLOSE and closed)
