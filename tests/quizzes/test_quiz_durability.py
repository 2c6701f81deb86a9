"""Answers survive what happens to servers: a killed process, and two submissions at once.

These tests run real server processes and concurrent connections on committed databases, so
they run outside the per-test transaction.
"""
from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.parse
import urllib.request

import pytest
from sqlalchemy import func, select

from academy.academies import operations as academy_ops
from academy.accounts import operations as account_ops
from academy.curricula import operations as course_ops
from academy.db import utcnow
from academy.enrolment import operations as enrolment_ops
from academy.extensions import db
from academy.packages import operations as package_ops
from academy.quizzes import closing, queries, slots, starting
from academy.quizzes.models import Attempt, AttemptSlot
from tests.factories.packages import sample_package
from tests.factories.servers import Server
from tests.support import (
    CSRF_RE,
    PASSWORD,
    drop_fresh_database,
    fresh_database_url,
    is_postgres,
    make_app,
    upgrade_schema,
)

pytestmark = pytest.mark.no_transaction


@pytest.fixture
def database(tmp_path):
    url = fresh_database_url(tmp_path)
    yield url
    drop_fresh_database(url)


def _seed(app) -> dict:
    """A published course with its quiz, and an enrolled trainee with an attempt started."""
    with app.test_request_context():
        academy = academy_ops.create_academy(
            slug="durable", names={"es": "Academia"}, country="ES", default_locale="es")
        course = package_ops.import_package(sample_package(), academy=academy)
        course_ops.publish_course(course)
        trainee, _ = account_ops.create_user(username="cadete", display_name="Cadete",
                                             academy=academy, roles=["trainee"], password=PASSWORD)
        enrolment = enrolment_ops.enrol_self(trainee, course).enrolment
        quiz = queries.quizzes_of(course.id)[0]
        quiz.settings = {**quiz.settings, "shuffle_questions": False, "questions_per_page": 0}
        slots.repaginate(quiz.id, 0)
        attempt = starting.start_attempt(enrolment, quiz, course,
                                         queries.effective_settings(quiz, trainee.id), "es",
                                         utcnow())
        db.session.commit()
        answers = {s.position: s.version.qtype for s in attempt.slots}
        return {"attempt": attempt.id, "kinds": answers, "user": trainee.id}


class Browser:
    """Cookies and forms over plain HTTP, as a trainee's browser without JavaScript."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> str:
        with self.opener.open(self.server.base + path, timeout=10) as response:
            return response.read().decode()

    def post(self, path: str, fields: list[tuple[str, str]], token_from: str) -> int:
        token = CSRF_RE.search(self.get(token_from)).group(1)
        data = urllib.parse.urlencode([("csrf_token", token), *fields]).encode()
        with self.opener.open(self.server.base + path, data=data, timeout=10) as response:
            return response.status


def test_every_saved_answer_survives_a_killed_server(database, tmp_path):
    app = make_app(database, tmp_path)
    try:
        _answers_survive_a_killed_server(app, database, tmp_path)
    finally:  # a failure must not leave this app's connections open for a later test
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _answers_survive_a_killed_server(app, database, tmp_path):
    upgrade_schema(app)
    seeded = _seed(app)
    attempt_id, kinds = seeded["attempt"], seeded["kinds"]
    server = Server(database, tmp_path, app.config["SECRET_KEY"])
    server.start()
    trainee = Browser(server)
    try:
        trainee.post("/login", [("username", "cadete"), ("password", PASSWORD)],
                     token_from="/login")
        page = f"/attempts/{attempt_id}"
        position = {kind: pos for pos, kind in kinds.items()}
        given = [(position["truefalse"], "true"), (position["numerical"], "2"),
                 (position["shortanswer"], "dignidad")]
        for number, (pos, value) in enumerate(given, start=1):
            status = trainee.post(f"{page}/autosave", [("page", "1"), (f"q{pos}", value),
                                                        ("seq", str(number))], token_from=page)
            assert status == 200
            if number == 2:  # between two answers, the process dies and comes back
                server.kill()
                server.start()
        html = trainee.get(page)  # the same login session, on the restarted server
        assert f'id="q{position["truefalse"]}-true" value="true" checked' in html
        assert re.search(rf'name="q{position["numerical"]}"[^>]*value="2"', html)
        assert re.search(rf'name="q{position["shortanswer"]}"[^>]*value="dignidad"', html)
    finally:
        server.kill()
    with app.app_context():
        stored = {s.position: s.response for s in db.session.scalars(
            select(AttemptSlot).where(AttemptSlot.attempt_id == attempt_id))}
        assert [stored[pos] for pos, _ in given] == [True, "2", "dignidad"]


@pytest.mark.skipif(not is_postgres(), reason="concurrent transactions need PostgreSQL")
def test_two_submissions_at_once_make_one_graded_attempt(database, tmp_path):
    apps = [make_app(database, tmp_path) for _ in range(8)]
    upgrade_schema(apps[0])
    seeded = _seed(apps[0])
    barrier, outcomes = threading.Barrier(len(apps)), []

    def submit(app):
        with app.test_request_context():
            attempt = db.session.get(Attempt, seeded["attempt"])
            barrier.wait()
            outcomes.append(closing.submit_attempt(attempt, utcnow()))
            db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=submit, args=(app,)) for app in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == [False] * (len(apps) - 1) + [True]
    with apps[0].app_context():
        attempt = db.session.get(Attempt, seeded["attempt"])
        assert attempt.status == "finished"
        assert db.session.scalar(select(func.count()).select_from(Attempt)) == 1
        assert queries.result_of(attempt.lesson_id, seeded["user"]).attempts == 1
    for app in apps:
        with app.app_context():
            db.engine.dispose()


@pytest.mark.skipif(not is_postgres(), reason="concurrent transactions need PostgreSQL")
def test_two_starts_at_once_make_one_attempt(database, tmp_path):
    apps = [make_app(database, tmp_path) for _ in range(6)]
    upgrade_schema(apps[0])
    seeded = _seed(apps[0])
    with apps[0].app_context():
        attempt = db.session.get(Attempt, seeded["attempt"])
        closing.submit_attempt(attempt, utcnow())
        lesson_id, course_id = attempt.lesson_id, attempt.course_id
        db.session.commit()
    barrier, started = threading.Barrier(len(apps)), []

    def start(app):
        from academy.curricula.models import Course, Lesson
        from academy.enrolment.models import Enrolment
        with app.test_request_context():
            lesson = db.session.get(Lesson, lesson_id)
            course = db.session.get(Course, course_id)
            enrolment = db.session.scalar(select(Enrolment))
            barrier.wait()
            found = starting.start_attempt(enrolment, lesson, course,
                                           queries.effective_settings(lesson, seeded["user"]),
                                           "es", utcnow())
            db.session.commit()
            started.append(found.id)
            db.session.remove()

    threads = [threading.Thread(target=start, args=(app,)) for app in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(set(started)) == 1 and len(started) == len(apps)
    for app in apps:
        with app.app_context():
            db.engine.dispose()


@pytest.mark.skipif(not is_postgres(), reason="concurrent transactions need PostgreSQL")
def test_many_trainees_starting_a_new_quiz_at_once_all_get_an_attempt(database, tmp_path):
    """The first starts freeze the questions' versions together: no deadlock, no error, one
    version per question."""
    from academy.curricula.models import Course, Lesson
    from academy.enrolment.models import Enrolment
    from academy.quizzes.models import QuestionVersion

    apps = [make_app(database, tmp_path) for _ in range(8)]
    upgrade_schema(apps[0])
    with apps[0].test_request_context():
        academy = academy_ops.create_academy(slug="many", names={"es": "Academia"},
                                             country="ES", default_locale="es")
        course = package_ops.import_package(sample_package(), academy=academy)
        course_ops.publish_course(course)
        for n in range(len(apps)):
            person, _ = account_ops.create_user(username=f"cadete{n}", display_name="Cadete",
                                                academy=academy, roles=["trainee"])
            enrolment_ops.enrol_self(person, course)
        lesson_id, course_id = queries.quizzes_of(course.id)[0].id, course.id
        db.session.commit()
    barrier, started, failed = threading.Barrier(len(apps)), [], []

    def start(app, n):
        with app.test_request_context():
            try:
                lesson = db.session.get(Lesson, lesson_id)
                course = db.session.get(Course, course_id)
                enrolment = db.session.scalars(select(Enrolment).order_by(Enrolment.id)).all()[n]
                settings = queries.effective_settings(lesson, enrolment.user_id)
                barrier.wait()
                attempt = starting.start_attempt(enrolment, lesson, course, settings, "es",
                                                 utcnow())
                db.session.commit()
                started.append(attempt.id)
            except Exception as error:  # noqa: BLE001 - the test reports any failure
                failed.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=start, args=(app, n)) for n, app in enumerate(apps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failed and len(set(started)) == len(apps)
    with apps[0].app_context():
        per_question = db.session.execute(select(QuestionVersion.question_id, func.count())
                                          .group_by(QuestionVersion.question_id)).all()
        assert len(per_question) == 7 and all(n == 1 for _, n in per_question)
        db.session.remove()
    for app in apps:
        with app.app_context():
            db.engine.dispose()
