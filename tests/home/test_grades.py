"""A trainee's home and grades: signing in leads to their courses, each with its grade and next
deadline; grades per course and across courses; staff read them for the people they may see."""
from __future__ import annotations

from datetime import timedelta

from babel.numbers import format_percent

from academy.db import utcnow
from academy.enrolment import operations as enrolment_ops
from academy.extensions import db
from academy.quizzes import closing, marking, queries
from tests.factories.quizzes import pass_quiz, start
from tests.support import sign_in

EN = {"Accept-Language": "en"}
ES = {"Accept-Language": "es"}


def enrolled(create_user, academy, course, **fields):
    person = create_user(academy=academy, roles=["trainee"], locale="en", **fields)
    enrolment_ops.enrol_self(person, course)
    db.session.commit()
    return person


def test_a_trainee_signs_in_to_their_courses_and_staff_to_the_home_page(
        client, app, create_user, academy, course):
    trainee = enrolled(create_user, academy, course)
    response = sign_in(client, trainee.username)
    assert response.status_code == 302 and response.headers["Location"].endswith("/learning")
    page = client.get("/learning", headers=EN).text
    assert "Searches" in page or course.title_in("en") in page
    assert "/grades" in page  # the way to their grades
    assert client.get("/login").headers["Location"].endswith("/learning")

    other = app.test_client()
    instructor = create_user(academy=academy, roles=["instructor"])
    response = sign_in(other, instructor.username)
    assert response.status_code == 302 and response.headers["Location"].endswith("/")


def test_after_the_quiz_the_trainee_reads_the_grade_on_every_page_that_names_it(
        client, login_as, create_user, academy, course):
    trainee = enrolled(create_user, academy, course)
    attempt = pass_quiz(trainee, course)
    quiz = queries.quizzes_of(course.id)[0]
    result = queries.result_of(quiz.id, trainee.id)
    shown = format_percent(result.fraction, "#,##0.#%", locale="en")  # as the pages print it
    login_as(trainee)

    home = client.get("/learning", headers=EN).text
    assert shown in home and f"/grades/{course.id}" in home

    overview = client.get("/grades", headers=EN).text
    assert "My grades" in overview and shown in overview and "1 of 1" in overview

    page = client.get(f"/grades/{course.id}", headers=EN).text
    assert shown in page and "passed" in page
    assert f"/attempts/{attempt.id}/review" in page
    assert "Course grade" in page

    spanish = client.get(f"/grades/{course.id}?lang=es").text
    assert "Calificación del curso" in spanish and "Mis calificaciones" in spanish


def test_a_score_the_quiz_shows_after_it_closes_stays_hidden_and_the_close_is_the_next_deadline(
        client, login_as, create_user, academy, course):
    trainee = enrolled(create_user, academy, course)
    quiz = queries.quizzes_of(course.id)[0]
    closes = utcnow() + timedelta(days=3)
    quiz.settings = {**quiz.settings, "review_score": "after_close", "attempts": 3,
                     "closes_at": closes.isoformat()}
    db.session.commit()
    attempt = start(trainee, quiz, course)
    closing.submit_attempt(attempt, utcnow())
    attempt.fraction = 0.25
    marking.update_result(quiz.id, trainee.id)
    db.session.commit()
    login_as(trainee)

    page = client.get(f"/grades/{course.id}", headers=EN).text
    assert "25%" not in page and "not shown yet" in page
    assert "Next deadline" in page and "1 of 3" in page
    home = client.get("/learning", headers=EN).text
    assert "25%" not in home and "Next deadline" in home

    quiz.settings = {**quiz.settings, "closes_at": (utcnow() - timedelta(minutes=1)).isoformat()}
    db.session.commit()
    page = client.get(f"/grades/{course.id}", headers=EN).text
    assert "25%" in page and "not passed yet" in page and "Next deadline" not in page


def test_grades_are_the_trainees_and_the_staff_who_may_see_them(
        app, client, login_as, create_user, academy, other_academy, course, make_course):
    trainee = enrolled(create_user, academy, course)
    pass_quiz(trainee, course)
    stranger = enrolled(create_user, academy, course)

    login_as(stranger)
    assert client.get(f"/people/{trainee.id}/grades").status_code == 404
    assert client.get(f"/people/{trainee.id}/grades/{course.id}").status_code == 404
    elsewhere = make_course(other_academy, slug="otra")
    assert client.get(f"/grades/{elsewhere.id}").status_code == 404  # not enrolled there

    admin = create_user(academy=academy, roles=["academy_admin"])
    login_as(admin)
    assert f"Grades of {trainee.display_name}" in client.get(
        f"/people/{trainee.id}/grades", headers=EN).text
    page = client.get(f"/people/{trainee.id}/grades/{course.id}", headers=EN).text
    assert trainee.display_name in page and "passed" in page

    outsider = create_user(academy=other_academy, roles=["instructor", "academy_admin"])
    login_as(outsider)
    assert client.get(f"/people/{trainee.id}/grades").status_code == 404
    assert client.get(f"/people/{trainee.id}/grades/{course.id}").status_code == 404

    instructor = create_user(academy=academy, roles=["instructor"])
    login_as(instructor)
    assert client.get(f"/people/{trainee.id}/grades/{course.id}").status_code == 200
    overview = client.get(f"/people/{trainee.id}/grades", headers=EN).text
    assert f"/people/{trainee.id}/grades/{course.id}" in overview

    coordinator = create_user(network_roles=["coordinator"])
    login_as(coordinator)
    assert client.get(f"/people/{trainee.id}/grades/{course.id}").status_code == 200


def test_the_grade_pages_issue_the_same_statements_for_one_course_or_three(
        client, login_as, create_user, academy, course, make_course, count_queries):
    trainee = enrolled(create_user, academy, course)
    pass_quiz(trainee, course)
    login_as(trainee)
    one = {path: count_queries(lambda p=path: client.get(p)) for path in ("/grades", "/learning")}
    for n in range(2):
        other = make_course(academy, slug=f"mas-{n}")
        enrolment_ops.enrol_self(trainee, other)
        db.session.commit()
        pass_quiz(trainee, other)
    three = {path: count_queries(lambda p=path: client.get(p)) for path in ("/grades", "/learning")}
    assert one == three
