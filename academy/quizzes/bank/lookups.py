"""What the bank's pages load from the URL, checked: the course (for those who run its quizzes),
one of its questions, a language and a quiz of the course; 404 for anything else."""
from __future__ import annotations

from flask import abort, request
from flask_login import current_user

from academy.curricula.lookups import course_for_author
from academy.curricula.models import Course, best_text
from academy.i18n import current_locale, language_name_in
from academy.quizzes import policy
from academy.quizzes import queries as quiz_queries
from academy.quizzes.bank import queries
from academy.quizzes.models import Question


def bank_course(course_id: int, content: bool = False) -> Course:
    """The course if the person runs its quizzes; 404 for anyone else. With `content`, its
    questions must be open to changes (not a shared course's: SharedCourseLocked)."""
    course = course_for_author(course_id, content)
    if not policy.can_manage_quizzes(current_user, course):
        abort(404)
    return course


def bank_question(course: Course, question_id: int) -> Question:
    """A question of this course; 404 for another course's question."""
    question = queries.question_of(course.id, question_id)
    if question is None:
        abort(404)
    return question


def requested_locale(course: Course) -> str:
    """The language asked for in the query string (the course's default if none); 404 if the
    course is not written in it."""
    locale = request.args.get("locale") or course.default_locale
    if locale not in course.locales:
        abort(404)
    return locale


def quiz_titles(course: Course) -> list[tuple[int, str]]:
    """(id, title in the reader's language) of the course's quizzes, in course order."""
    titles = []
    for lesson in quiz_queries.quizzes_of(course.id):
        found, _locale = best_text(lesson.texts, current_locale(), course.default_locale)
        titles.append((lesson.id, found.title if found else lesson.slug))
    return titles


def quiz_of_course(course: Course, lesson_id: int | None):
    """The quiz a question goes in (None: in no quiz); 404 if it is not a quiz of the course."""
    if lesson_id is None:
        return None
    lesson = quiz_queries.quiz_lesson(course.id, lesson_id)
    if lesson is None:
        abort(404)
    return lesson


def course_languages(course: Course) -> list[tuple[str, str]]:
    """(code, name in the reader's language) of the course's languages."""
    return [(code, language_name_in(code, current_locale())) for code in course.locales]
