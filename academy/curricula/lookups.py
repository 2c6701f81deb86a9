"""Loading the objects an author works on, checked against the author's academies."""
from __future__ import annotations

from flask import abort
from flask_login import current_user

from academy.curricula import policy
from academy.curricula.models import Course, Lesson, Module
from academy.extensions import db


def course_for_author(course_id: int) -> Course:
    """The course, or 404 for anyone who may not edit it (another academy's drafts stay hidden)."""
    course = db.session.get(Course, course_id)
    if not policy.can_edit_course(current_user, course):
        abort(404)
    return course


def module_for_author(module_id: int) -> Module:
    module = db.session.get(Module, module_id)
    if module is None:
        abort(404)
    course_for_author(module.course_id)
    return module


def lesson_for_author(lesson_id: int) -> Lesson:
    lesson = db.session.get(Lesson, lesson_id)
    if lesson is None:
        abort(404)
    module_for_author(lesson.module_id)
    return lesson


def locale_of(course: Course, locale: str) -> str:
    """The locale from the URL if the course offers it, else 404."""
    if locale not in course.locales:
        abort(404)
    return locale
