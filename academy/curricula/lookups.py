"""Loading the objects an author works on, checked against the author's academies."""
from __future__ import annotations

from flask import abort
from flask_login import current_user

from academy.curricula import policy
from academy.curricula.models import Course, Lesson, Module
from academy.extensions import db


class SharedCourseLocked(Exception):
    """The course is shared with the network: its content changes in a revision (the authoring
    pages turn this into a redirect that says so)."""

    def __init__(self, course_id: int) -> None:
        super().__init__(course_id)
        self.course_id = course_id


def course_for_author(course_id: int, content: bool = False) -> Course:
    """The course, or 404 for anyone who may not edit it (another academy's drafts stay hidden).
    With `content`, raises SharedCourseLocked when its content changes only in a revision."""
    course = db.session.get(Course, course_id)
    if not policy.can_edit_course(current_user, course):
        abort(404)
    if content and policy.is_locked(course):
        raise SharedCourseLocked(course.id)
    return course


def module_for_author(module_id: int) -> Module:
    """A module whose content the person may change (404, or SharedCourseLocked)."""
    module = db.session.get(Module, module_id)
    if module is None or module.removed_at is not None:
        abort(404)
    course_for_author(module.course_id, content=True)
    return module


def lesson_for_author(lesson_id: int) -> Lesson:
    """A lesson whose content the person may change (404, or SharedCourseLocked)."""
    lesson = db.session.get(Lesson, lesson_id)
    if lesson is None or lesson.removed_at is not None:
        abort(404)
    module_for_author(lesson.module_id)
    return lesson


def locale_of(course: Course, locale: str) -> str:
    """The locale from the URL if the course offers it, else 404."""
    if locale not in course.locales:
        abort(404)
    return locale
