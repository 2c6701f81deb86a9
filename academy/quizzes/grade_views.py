"""Grades as a person reads them: across their courses, and per quiz of one course; staff who may
see a trainee read the same pages for them."""
from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user, login_required

from academy.accounts import queries as account_queries
from academy.db import utcnow
from academy.enrolment import queries as enrolment_queries
from academy.enrolment.models import PENDING, WAITLISTED
from academy.quizzes import grades, policy
from academy.quizzes.blueprints import grades as bp


@bp.route("/grades")
@login_required
def mine():
    return _overview(current_user._get_current_object())


@bp.route("/grades/<int:course_id>")
@login_required
def my_course(course_id: int):
    return _course(current_user._get_current_object(), course_id)


@bp.route("/people/<int:user_id>/grades")
@login_required
def person(user_id: int):
    return _overview(_person(user_id))


@bp.route("/people/<int:user_id>/grades/<int:course_id>")
@login_required
def person_course(user_id: int, course_id: int):
    return _course(_person(user_id), course_id)


def _person(user_id: int):
    if user_id == current_user.id:
        return current_user._get_current_object()
    person = account_queries.user_by_id(user_id)
    if person is None:
        abort(404)
    return person


def _overview(person):
    rows = [row for row in enrolment_queries.dashboard(person)
            if row.enrolment.status not in (PENDING, WAITLISTED)
            and policy.can_see_grades(current_user, person, row.course, row.enrolment)]
    if not rows and not policy.can_see_grades(current_user, person):
        abort(404)
    now = utcnow()
    standings = grades.standings_of_rows(person.id, rows, now,
                                         is_staff=policy.is_staff_reader(current_user, person))
    return render_template("quizzes/grades.html", person=person, rows=rows,
                           standings=standings, now=now,
                           is_own=person.id == current_user.id)


def _course(person, course_id: int):
    reading = enrolment_queries.course_for_reader(person, course_id)
    if reading is None or not policy.can_see_grades(current_user, person, reading.course,
                                                    reading.enrolment):
        abort(404)
    now = utcnow()
    rules = reading.rules
    standing = grades.standings(
        person.id, {course_id}, now, is_staff=policy.is_staff_reader(current_user, person),
        ends_at={course_id: rules.ends_at if rules else None}, with_attempts=True)[course_id]
    return render_template("quizzes/course_grades.html", person=person, course=reading.course,
                           enrolment=reading.enrolment, standing=standing, now=now,
                           is_own=person.id == current_user.id,
                           may_review=person.id == current_user.id
                           or policy.can_manage_quizzes(current_user, reading.course))
