"""Enrolment: policies, keys, requests, capacity and waiting list, progress and completion."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from academy.curricula import operations as course_ops
from academy.db import utcnow
from academy.enrolment import operations
from academy.enrolment.models import Enrolment
from academy.extensions import db
from academy.packages import operations as package_ops
from tests.factories.enrolment import set_rules
from tests.factories.packages import sample_package
from tests.support import post_form

EN = {"Accept-Language": "en"}


@pytest.fixture
def course(app_ctx, academy, create_user):
    coordinator = create_user(network_roles=["coordinator"])
    course = package_ops.import_package(sample_package(), academy=academy)
    course_ops.publish_course(course)
    course_ops.approve_sharing(course, coordinator)
    db.session.commit()
    return course


@pytest.fixture
def author(create_user, academy):
    return create_user(academy=academy, roles=["instructor"])


def _enrolments(course, status=None) -> int:
    stmt = select(func.count()).select_from(Enrolment).where(Enrolment.course_id == course.id)
    if status:
        stmt = stmt.where(Enrolment.status == status)
    return db.session.scalar(stmt)


def _enrol(client, course, **data):
    return post_form(client, f"/courses/{course.id}/enrol", data,
                     token_from=f"/courses/{course.id}",
                     headers=EN)


def test_open_enrolment_and_double_clicks_make_one_enrolment(client, course, trainee, login_as):
    login_as(trainee)
    first, second = _enrol(client, course), _enrol(client, course)
    assert first.status_code == second.status_code == 302
    assert _enrolments(course, "active") == 1
    page = client.get(f"/courses/{course.id}", headers=EN).get_data(as_text=True)
    assert "You are enrolled." in page


def test_enrolment_key_is_checked_and_guesses_are_limited(app, client, course, trainee, login_as):
    set_rules(course, policy="key", enrolment_key="MANDELA-2026")
    login_as(trainee)
    wrong = client.get(_enrol(client, course, key="guess").headers["Location"], headers=EN)
    assert "This enrolment key is not right." in wrong.get_data(as_text=True)
    for _ in range(app.config["ENROLMENT_KEY_ATTEMPTS"] - 1):
        _enrol(client, course, key="guess")
    blocked = client.get(_enrol(client, course, key="MANDELA-2026").headers["Location"], headers=EN)
    assert "Too many wrong keys." in blocked.get_data(as_text=True)
    assert _enrolments(course) == 0


def test_the_right_key_enrols(client, course, trainee, login_as):
    set_rules(course, policy="key", enrolment_key="MANDELA-2026")
    login_as(trainee)
    _enrol(client, course, key=" MANDELA-2026 ")
    assert _enrolments(course, "active") == 1


def test_request_then_approval_by_an_instructor(app, client, course, trainee, author, login_as):
    set_rules(course, policy="approval")
    login_as(trainee)
    _enrol(client, course)
    assert _enrolments(course, "pending") == 1
    staff = app.test_client()
    login_as(author, staff)
    roster = staff.get(f"/authoring/courses/{course.id}/enrolment",
                       headers=EN).get_data(as_text=True)
    assert "María López Fernández" in roster and "Requested" in roster
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.course_id == course.id))
    post_form(staff, f"/authoring/enrolments/{enrolment.id}/approve",
              token_from=f"/authoring/courses/{course.id}/enrolment")
    assert _enrolments(course, "active") == 1


@pytest.mark.parametrize("changes, message", [
    ({"policy": "closed"}, "Enrolment in this course is closed"),
    ({"opens_at": utcnow() + timedelta(days=3)}, "Enrolment has not opened yet."),
    ({"closes_at": utcnow() - timedelta(days=1)}, "Enrolment has closed."),
])
def test_why_enrolment_is_not_possible_is_explained(client, course, trainee, login_as, changes,
                                                    message):
    set_rules(course, **changes)
    login_as(trainee)
    assert message in client.get(f"/courses/{course.id}", headers=EN).get_data(as_text=True)
    _enrol(client, course)
    assert _enrolments(course) == 0


def test_restriction_to_some_academies(client, course, trainee, other_academy, login_as):
    set_rules(course, allowed_academy_ids={other_academy.id})
    login_as(trainee)
    page = client.get(f"/courses/{course.id}", headers=EN).get_data(as_text=True)
    assert "This course is not open to people of your academy." in page


def test_waiting_list_promotion_is_exactly_once(app, course, trainee, create_user, academy,
                                                login_as):
    set_rules(course, capacity=1)
    others = [create_user(academy=academy, roles=["trainee"]) for _ in range(2)]
    first = operations.enrol_self(trainee, course).enrolment
    waiting = [operations.enrol_self(person, course).enrolment for person in others]
    db.session.commit()
    assert first.status == "active" and [w.status for w in waiting] == ["waitlisted"] * 2
    operations.withdraw(first, course)
    operations.promote_waiting(course)  # a second call must not hand out a second place
    db.session.commit()
    assert [w.status for w in waiting] == ["active", "waitlisted"]
    client = app.test_client()
    login_as(others[0], client)
    assert "a place became free" in client.get("/learning", headers=EN).get_data(as_text=True)


def test_a_larger_capacity_lets_people_in(course, trainee, create_user, academy):
    set_rules(course, capacity=1)
    operations.enrol_self(trainee, course)
    second = operations.enrol_self(create_user(academy=academy, roles=["trainee"]),
                                course).enrolment
    db.session.commit()
    set_rules(course, capacity=2)
    assert second.status == "active"


def test_withdrawal_when_the_course_allows_it(client, course, trainee, login_as):
    set_rules(course, allow_withdrawal=False)
    login_as(trainee)
    _enrol(client, course)
    response = post_form(client, f"/courses/{course.id}/withdraw",
                         token_from=f"/courses/{course.id}")
    assert response.status_code == 403
    set_rules(course, allow_withdrawal=True)
    post_form(client, f"/courses/{course.id}/withdraw", {"confirmed": "1"},
              token_from=f"/courses/{course.id}")
    assert _enrolments(course, "withdrawn") == 1


def test_leaving_a_course_asks_first_and_changes_nothing_until_confirmed(client, course, trainee,
                                                                         login_as):
    set_rules(course, allow_withdrawal=True, capacity=5)
    login_as(trainee)
    _enrol(client, course)
    asked = post_form(client, f"/courses/{course.id}/withdraw", token_from=f"/courses/{course.id}",
                      headers={"Accept-Language": "en"})
    assert asked.status_code == 200 and "Leave the course?" in asked.text
    assert "if the course is full by then you will join the waiting list" in asked.text
    assert 'name="confirmed" value="1"' in asked.text
    assert _enrolments(course, "active") == 1 and _enrolments(course, "withdrawn") == 0
    spanish = post_form(client, f"/courses/{course.id}/withdraw?lang=es",
                        token_from=f"/courses/{course.id}")
    assert "¿Darse de baja del curso?" in spanish.text
    done = post_form(client, f"/courses/{course.id}/withdraw", {"confirmed": "1"},
                     token_from=f"/courses/{course.id}")
    assert done.status_code == 302 and _enrolments(course, "withdrawn") == 1


def test_trainee_completes_all_lessons_and_sees_the_course_completed(client, course, trainee,
                                                                    login_as):
    login_as(trainee)
    _enrol(client, course)
    pages = [x for m in course.modules for x in m.lessons if x.kind == "page"]
    for lesson in pages:
        url = f"/courses/{course.id}/lessons/{lesson.id}"
        post_form(client, f"{url}/done", token_from=url)
    dashboard = client.get("/learning", headers=EN).get_data(as_text=True)
    assert "2 of 3 lessons done" in dashboard  # the quiz is done by passing it
    from tests.factories.quizzes import pass_quiz

    pass_quiz(trainee, course)
    dashboard = client.get("/learning", headers=EN).get_data(as_text=True)
    assert "Completed courses" in dashboard and "Completed on" in dashboard
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.course_id == course.id))
    db.session.refresh(enrolment)
    assert enrolment.status == "completed" and enrolment.completed_at is not None


def test_dashboard_shows_progress_and_where_to_continue(client, course, trainee, login_as):
    login_as(trainee)
    _enrol(client, course)
    lesson = course.modules[0].lessons[0]
    url = f"/courses/{course.id}/lessons/{lesson.id}"
    post_form(client, f"{url}/done", token_from=url)
    page = client.get("/learning", headers=EN).get_data(as_text=True)
    assert "1 of 3 lessons done" in page and url in page


def test_the_course_page_offers_to_start_then_to_continue(client, course, trainee, login_as):
    login_as(trainee)
    _enrol(client, course)
    first, second = [lesson for module in course.modules for lesson in module.lessons][:2]
    page = client.get(f"/courses/{course.id}", headers=EN).text
    start = f'<a class="button primary" href="/courses/{course.id}/lessons/{first.id}">'
    assert start + "Start the course</a>" in page
    url = f"/courses/{course.id}/lessons/{first.id}"
    post_form(client, f"{url}/done", token_from=url)
    page = client.get(f"/courses/{course.id}?lang=pt").text
    kind = "lessons" if second.kind == "page" else "quizzes"  # a quiz opens on its own page
    assert f'/courses/{course.id}/{kind}/{second.id}">Continuar de onde parou</a>' in page


def test_rules_form_errors_are_next_to_their_fields(client, course, author, login_as):
    login_as(author)
    page = f"/authoring/courses/{course.id}/enrolment"
    response = post_form(client, f"{page}/rules", {"policy": "key", "enrolment_key": "",
                                                   "completion_mode": "viewed"},
                         token_from=page, headers=EN)
    assert response.status_code == 422
    assert "Give the key that participants must type." in response.get_data(as_text=True)
    response = post_form(client, f"{page}/rules", {"policy": "open", "opens_at": "2026-05-01",
                                                   "closes_at": "2026-04-01",
                                                   "completion_mode": "viewed"},
                         token_from=page, headers=EN)
    assert "Enrolment must close after it opens." in response.get_data(as_text=True)
    response = post_form(client, f"{page}/rules", {"policy": "open", "opens_at": "yesterday",
                                                   "completion_mode": "viewed"}, token_from=page,
                         headers=EN)
    assert "Not a valid date value." in response.get_data(as_text=True)


def test_dashboard_and_roster_use_a_bounded_number_of_queries(client, course, trainee, author,
                                                              create_user, academy, login_as,
                                                              count_queries, app):
    login_as(trainee)
    _enrol(client, course)
    staff = app.test_client()
    login_as(author, staff)

    def open_pages():
        assert client.get("/learning").status_code == 200
        assert staff.get(f"/authoring/courses/{course.id}/enrolment").status_code == 200

    few = count_queries(open_pages)
    for n in range(15):
        operations.enrol_self(create_user(academy=academy, roles=["trainee"]), course)
        extra = package_ops.import_package(sample_package(**{"course.toml": sample_package()[
            "course.toml"].replace(b'"searches-with-dignity"', f'"c{n}"'.encode())}),
                                           academy=academy)
        course_ops.publish_course(extra)
        operations.enrol_self(trainee, extra)
    db.session.commit()
    assert count_queries(open_pages) == few
