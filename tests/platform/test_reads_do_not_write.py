"""No GET request writes: every reading route of the access matrix, opened by every role, leaves
the database as it was (only the rate-limit store may count, issue 16)."""
from __future__ import annotations

import re
import threading
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event

from tests.factories.routes import ACTORS, ANONYMOUS, ROUTES

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|UPSERT)\b(?:\s+OR\s+\w+)?\s+"
                   r"(?:INTO\s+|FROM\s+)?\"?(\w+)", re.IGNORECASE)
ALLOWED_TABLES = {"rate_counters"}  # the rate-limit store's counters, not the request's data


@contextmanager
def writes_recorded(app):
    """Collect every INSERT, UPDATE or DELETE sent to the database meanwhile, with its table."""
    from academy.extensions import db

    with app.app_context():
        engine = db.engine
    found: list[tuple[str, str]] = []
    requests_thread = threading.get_ident()  # the test client answers in this thread

    def _record(_conn, _cursor, statement, *_args):
        if threading.get_ident() != requests_thread:
            return  # a background thread of the app (a job sweeper) is not the request
        match = WRITE.match(statement)
        if match and match.group(2).lower() not in ALLOWED_TABLES:
            found.append((match.group(2).lower(), statement.split("\n", 1)[0][:120]))

    event.listen(engine, "before_cursor_execute", _record)
    try:
        yield found
    finally:
        event.remove(engine, "before_cursor_execute", _record)


def _make_overdue(objects) -> None:
    """The trainee's attempt in progress ran out of time an hour ago, and so did an attempt at
    the draft course's quiz (its staff's results and grading pages): nobody has closed them."""
    from academy.curricula.models import Course, Lesson
    from academy.db import utcnow
    from academy.enrolment.models import ACTIVE, Enrolment
    from academy.extensions import db
    from academy.quizzes import queries as quiz_queries
    from academy.quizzes import starting
    from academy.quizzes.models import Attempt

    attempt = db.session.get(Attempt, objects["current_attempt"])
    attempt.started_at = utcnow() - timedelta(hours=2)
    attempt.deadline_at = utcnow() - timedelta(hours=1)
    enrolment = db.session.get(Enrolment, objects["draft_enrolment"])
    enrolment.status = ACTIVE
    course, lesson = db.session.get(Course, objects["draft_course"]), \
        db.session.get(Lesson, objects["draft_quiz"])
    settings = quiz_queries.effective_settings(lesson, enrolment.user_id)
    staff_side = starting.start_attempt(enrolment, lesson, course, settings, "es",
                                        utcnow() - timedelta(hours=2))
    staff_side.deadline_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert attempt.is_time_up and staff_side.is_time_up


@pytest.mark.parametrize("overdue", [False, True], ids=["in-time", "overdue-attempt"])
def test_no_get_route_writes_for_any_role(app, world, login_as, overdue):
    from flask import url_for

    people, objects = world
    if overdue:
        _make_overdue(objects)
    clients = {actor: app.test_client() for actor in ACTORS}
    for actor, client in clients.items():
        if actor != ANONYMOUS:
            login_as(people[actor], client)
    writes = {}
    for endpoint, access in sorted(ROUTES.items()):
        if access.method != "GET":
            continue
        values = {name: objects.get(ref, ref) for name, ref in access.values.items()}
        with app.test_request_context():
            url = url_for(endpoint, **values)
        for actor, client in clients.items():
            with writes_recorded(app) as found:
                response = client.get(url)
            response.close()
            assert response.status_code < 500, (endpoint, actor, response.status_code)
            if found:
                writes[(endpoint, actor)] = found
    assert not writes, f"GET requests that wrote: {writes}"


def test_an_export_is_a_button_that_a_link_or_another_site_cannot_press(
        client, login_as, course, create_user, academy):
    """Exports are recorded in the audit log, so they answer only their page's POST: a link, a
    prefetch or a form on another site records nothing and gets nothing."""
    from academy.audit.models import AuditEvent
    from academy.extensions import db

    login_as(create_user(academy=academy, roles=["instructor"]))
    page = client.get(f"/courses/{course.id}/gradebook").get_data(as_text=True)
    assert f'action="/courses/{course.id}/gradebook.csv"' in page
    assert client.get(f"/courses/{course.id}/gradebook.csv").status_code == 405
    assert client.post(f"/courses/{course.id}/gradebook.csv").status_code == 400  # no token
    assert client.get("/audit.csv").status_code == 405
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent).where(
        AuditEvent.action.like("export.%"))) == 0
