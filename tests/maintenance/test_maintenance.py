"""Maintenance mode: a translated 503 for everyone but site admins, across processes, and quiz
deadlines that get the time back when it ends."""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from academy.audit.models import AuditEvent
from academy.db import utcnow
from academy.enrolment import operations as enrolment_ops
from academy.extensions import db
from academy.maintenance import operations as maintenance_ops
from academy.maintenance import queries as maintenance_queries
from academy.maintenance import state
from academy.maintenance.models import MaintenanceWindow
from academy.quizzes import configuring, starting
from academy.quizzes import queries as quiz_queries
from academy.quizzes import settings as quiz_settings
from academy.quizzes.models import Attempt, AttemptSlot
from tests.support import csrf_token, sign_in

EN = {"Accept-Language": "en"}
PAGE_TITLE = "Campus is under maintenance"
BANNER = "Maintenance mode is on"


@pytest.fixture(autouse=True)
def _forgotten(app):
    """Each test reads maintenance mode afresh, and leaves no reading of its own behind."""
    state.forget(app)
    yield
    state.forget(app)


@pytest.fixture
def quiz(course):
    return quiz_queries.quizzes_of(course.id)[0]  # 10 minutes, 2 of grace


@pytest.fixture
def learner(course, create_user, academy):
    person = create_user(academy=academy, roles=["trainee"], locale="en")
    enrolment_ops.enrol_self(person, course)
    db.session.commit()
    return person


def maintenance(app, *args):
    result = app.test_cli_runner().invoke(args=["maintenance", *args])
    assert result.exit_code == 0, result.output
    return result.output


def begin(learner, quiz, course, now) -> Attempt:
    enrolment = enrolment_ops._enrolment(course, learner)
    settings = quiz_queries.effective_settings(quiz, learner.id)
    attempt = starting.start_attempt(enrolment, quiz, course, settings, "en", now)
    db.session.commit()
    return attempt


# --- The command ---------------------------------------------------------------------------------

def test_on_off_and_status_from_the_command_line(app):
    assert "Maintenance mode is off." in maintenance(app, "status")
    assert "Maintenance mode is on since" in maintenance(app, "on", "--message", "Back at 14:00")
    status = maintenance(app, "status")
    assert "Maintenance mode is on since" in status and "message: Back at 14:00" in status
    assert "already on" in maintenance(app, "on")
    assert maintenance_queries.open_window().message == "Back at 14:00"  # kept without --message
    assert "Maintenance mode is off after" in maintenance(app, "off")
    assert "Maintenance mode is off (last on from" in maintenance(app, "status")
    assert "was not on; nothing changed" in maintenance(app, "off")
    actions = list(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.action.like("maintenance.%")).order_by(AuditEvent.id)))
    assert actions == ["maintenance.start", "maintenance.end"]


# --- Who meets the page --------------------------------------------------------------------------

def test_a_trainee_meets_the_maintenance_page_with_retry_after(app, client, login_as, learner):
    login_as(learner)
    maintenance(app, "on", "--message", "Back at <b>14:00</b>")
    page = client.get("/learning", headers=EN)
    assert page.status_code == 503 and page.headers["Retry-After"].isdigit()
    assert PAGE_TITLE in page.text and "Quizzes lose no time" in page.text
    assert "Back at &lt;b&gt;14:00&lt;/b&gt;" in page.text  # the operator's words, as text
    assert "<script" not in page.text  # works without JavaScript
    assert BANNER not in page.text
    maintenance(app, "off")
    assert client.get("/learning", headers=EN).status_code == 200


def test_the_page_speaks_the_visitors_language(app, client):
    maintenance(app, "on")
    page = client.get("/courses", headers={"Accept-Language": "pt-PT,pt;q=0.9"})
    assert page.status_code == 503 and '<html lang="pt' in page.text
    assert client.get("/courses?lang=it").text.count('<html lang="it') == 1


def test_a_site_admin_works_with_a_banner_on_every_page(app, client, login_as, site_admin):
    login_as(site_admin)
    maintenance(app, "on")
    for path in ("/", "/audit"):
        page = client.get(path, headers=EN, follow_redirects=True)
        assert page.status_code == 200 and BANNER in page.text, path
        assert PAGE_TITLE not in page.text


def test_signing_in_stays_open_and_only_site_admins_get_in(app, client, site_admin, learner):
    maintenance(app, "on")
    login = client.get("/login", headers=EN)
    assert login.status_code == 200 and "only site administrators can use it" in login.text
    assert sign_in(client, site_admin.username).status_code == 302
    assert BANNER in client.get("/", headers=EN, follow_redirects=True).text
    other = app.test_client()
    assert sign_in(other, learner.username).status_code == 302  # signing in works for all...
    assert other.get("/learning", headers=EN).status_code == 503  # ...the pages wait


def test_health_and_static_files_stay_up(app, client):
    maintenance(app, "on")
    assert client.get("/healthz").status_code == 200
    assert client.get("/health/live").status_code == 200
    assert client.get("/static/campus.css").status_code == 200


def test_posts_are_refused_and_nothing_is_written(app, client, login_as, learner, quiz, course):
    attempt = begin(learner, quiz, course, utcnow())
    login_as(learner)
    token = csrf_token(client, f"/attempts/{attempt.id}")
    slot = attempt.slots[0]
    maintenance(app, "on")
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    saved = client.post(f"/attempts/{attempt.id}/autosave", headers=EN, data={
        "csrf_token": token, "page": str(slot.page), f"q{slot.position}": "0", "seq": "5"})
    submitted = client.post(f"/attempts/{attempt.id}/submit", headers=EN,
                            data={"csrf_token": token})
    assert saved.status_code == submitted.status_code == 503 and PAGE_TITLE in submitted.text
    db.session.expire_all()
    stored = db.session.get(AttemptSlot, (attempt.id, slot.position))
    assert (stored.response, stored.saved_seq) == (None, 0)
    assert db.session.get(Attempt, attempt.id).status == "in_progress"
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events


# --- Across processes and nodes ------------------------------------------------------------------

def test_each_process_reads_the_mode_once_per_check_interval(app, count_queries):
    with app.app_context():
        assert count_queries(lambda: state.current(app)) == 1
        assert count_queries(lambda: [state.current(app) for _ in range(5)]) == 0


def test_a_process_sees_another_turn_it_on_when_its_reading_expires(app, monkeypatch):
    with app.app_context():
        assert state.current(app) is None
        maintenance_ops.turn_on(utcnow(), "elsewhere")  # another process's command
        db.session.commit()
        assert state.current(app) is None  # still what this process read
        monkeypatch.setitem(app.config, "MAINTENANCE_CHECK_SECONDS", 0)
        assert state.current(app).message == "elsewhere"


# --- Quiz deadlines when it ends -----------------------------------------------------------------

def test_an_attempt_in_progress_gets_the_maintenance_time_back(app, learner, quiz, course):
    attempt = begin(learner, quiz, course, utcnow() - timedelta(minutes=4))
    deadline = attempt.deadline_at
    maintenance(app, "on")
    window = maintenance_queries.open_window()
    window.started_at = utcnow() - timedelta(minutes=3)  # as if it had begun 3 minutes ago
    db.session.commit()
    maintenance(app, "off")
    db.session.expire_all()
    window = db.session.get(MaintenanceWindow, window.id)
    moved = db.session.get(Attempt, attempt.id).deadline_at - deadline
    assert moved == window.ended_at - window.started_at >= timedelta(minutes=3)


def test_which_deadlines_move_when_maintenance_ends(learner, quiz, course, create_user, academy):
    t0 = utcnow().replace(microsecond=0)
    start, end = t0 - timedelta(minutes=30), t0 - timedelta(minutes=10)  # 20 minutes down
    length = end - start
    running = begin(learner, quiz, course, start - timedelta(minutes=5))  # 5 minutes left
    late = create_user(academy=academy, roles=["trainee"])
    enrolment_ops.enrol_self(late, course)
    expired = begin(late, quiz, course, start - timedelta(minutes=13))  # limit + grace gone
    quiz.settings = {**quiz.settings, "closes_at": (start + timedelta(minutes=5)).isoformat()}
    exception = configuring.add_override(quiz, user_id=late.id, cohort_id=None,
                                         closes_at=end + timedelta(days=2))
    db.session.commit()
    before = {a.id: a.deadline_at for a in (running, expired)}

    maintenance_ops.turn_on(start, None)
    ended = maintenance_ops.turn_off(end)
    db.session.commit()

    db.session.expire_all()
    assert db.session.get(Attempt, running.id).deadline_at == before[running.id] + length
    assert db.session.get(Attempt, expired.id).deadline_at == before[expired.id]
    closes = quiz_settings.read(db.session.get(type(quiz), quiz.id).settings).closes_at
    assert closes == start + timedelta(minutes=5) + length
    assert db.session.get(type(exception),
                          exception.id).closes_at == end + timedelta(days=2) + length
    assert ended.extension.count("attempts") == 1
    entry = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "quiz.downtime_extension", AuditEvent.target_id == course.id))
    assert entry.details["attempts"] == [running.id] and entry.details["quizzes"] == [quiz.id]
    assert entry.details["seconds"] == 20 * 60 and entry.academy_id == academy.id


def test_quizzes_not_open_during_the_window_keep_their_dates(quiz, course):
    start, end = utcnow() - timedelta(hours=2), utcnow() - timedelta(hours=1)
    for opens, closes in ((None, start - timedelta(minutes=1)),  # closed before it began
                          (end + timedelta(days=7), end + timedelta(days=8))):  # opens later
        quiz.settings = {**quiz.settings, "opens_at": opens.isoformat() if opens else None,
                         "closes_at": closes.isoformat()}
        db.session.commit()
        maintenance_ops.turn_on(start, None)
        assert maintenance_ops.turn_off(end).extension.count("quizzes") == 0
        assert quiz_settings.read(quiz.settings).closes_at == closes


def test_overdue_attempts_are_not_closed_while_maintenance_is_on(app, learner, quiz, course):
    attempt = begin(learner, quiz, course, utcnow() - timedelta(hours=1))
    maintenance(app, "on")
    result = app.test_cli_runner().invoke(args=["quizzes", "close-overdue"])
    assert result.exit_code == 0 and "Maintenance mode is on" in result.output
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).status == "in_progress"


@pytest.mark.no_transaction
def test_two_nodes_on_one_database_follow_the_command_within_the_check_interval(tmp_path):
    from tests.support import drop_fresh_database, fresh_database_url, make_app, upgrade_schema

    url = fresh_database_url(tmp_path)
    node_a, node_b = (make_app(url, tmp_path, MAINTENANCE_CHECK_SECONDS=1) for _ in range(2))
    try:
        upgrade_schema(node_a)
        browser = node_b.test_client()
        assert browser.get("/courses", headers=EN).status_code == 200  # node B reads: off
        maintenance(node_a, "on")
        assert browser.get("/courses", headers=EN).status_code == 200  # within its interval
        time.sleep(1.1)
        assert browser.get("/courses", headers=EN).status_code == 503
        maintenance(node_a, "off")
        time.sleep(1.1)
        assert browser.get("/courses", headers=EN).status_code == 200
    finally:
        for node in (node_a, node_b):
            with node.app_context():
                db.session.remove()
                db.engine.dispose()
        drop_fresh_database(url)


# --- Two commands at once ------------------------------------------------------------------------

@contextmanager
def committed_app(tmp_path):
    """An app on a database of its own whose writes are committed (threads see each other's)."""
    from tests.support import drop_fresh_database, fresh_database_url, make_app, upgrade_schema

    url = fresh_database_url(tmp_path)
    app = make_app(url, tmp_path)
    try:
        upgrade_schema(app)
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        drop_fresh_database(url)


def _attempt_in_progress(app, started_at) -> tuple[int, object]:
    """A trainee's attempt begun at `started_at` (committed): its id and deadline."""
    from academy.academies import operations as academy_ops
    from academy.accounts import operations as account_ops
    from academy.curricula import operations as course_ops
    from academy.packages import operations as package_ops
    from tests.factories.packages import sample_package
    from tests.support import PASSWORD

    with app.test_request_context():
        academy = academy_ops.create_academy(slug="race", names={"en": "Race"}, country="ES",
                                             default_locale="en")
        course = package_ops.import_package(sample_package(), academy=academy)
        course_ops.publish_course(course)
        quiz = quiz_queries.quizzes_of(course.id)[0]
        person, _ = account_ops.create_user(username="racer", display_name="Racer",
                                            academy=academy, roles=["trainee"], password=PASSWORD)
        enrolment = enrolment_ops.enrol_self(person, course).enrolment
        attempt = starting.start_attempt(enrolment, quiz, course, quiz_queries.effective_settings(
            quiz, person.id), "en", started_at)
        db.session.commit()
        return attempt.id, attempt.deadline_at


def _twice_at_once(app, command) -> list:
    """Run `command` in two threads that start together, each in its own transaction, which
    stays open a moment after the command (the other one comes meanwhile); what each returned."""
    barrier, results, errors = threading.Barrier(2), [], []

    def run():
        try:
            with app.app_context():
                barrier.wait()
                results.append(command())
                time.sleep(0.3)
                db.session.commit()
                db.session.remove()
        except Exception as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == [] and len(results) == 2
    return results


@pytest.mark.no_transaction
def test_two_offs_at_once_give_the_time_back_once(tmp_path):
    with committed_app(tmp_path) as app:
        start = utcnow().replace(microsecond=0) - timedelta(minutes=3)
        end = start + timedelta(minutes=3)
        attempt_id, deadline = _attempt_in_progress(app, start - timedelta(minutes=1))
        with app.app_context():
            maintenance_ops.turn_on(start, None)
            db.session.commit()
        ended = _twice_at_once(app, lambda: maintenance_ops.turn_off(end) is not None)
        assert sorted(ended) == [False, True]  # the second found maintenance already off
        with app.app_context():
            assert db.session.get(Attempt, attempt_id).deadline_at == deadline + (end - start)
            assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
                AuditEvent.action == "maintenance.end")) == 1
            db.session.remove()


@pytest.mark.no_transaction
def test_two_ons_at_once_open_one_window(tmp_path):
    with committed_app(tmp_path) as app:
        was_on = _twice_at_once(app, lambda: maintenance_ops.turn_on(utcnow(), "Back soon")
                                .was_on)
        assert sorted(was_on) == [False, True]
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(MaintenanceWindow)) == 1
            assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
                AuditEvent.action == "maintenance.start")) == 1
            db.session.remove()


def test_on_finds_the_window_another_on_opened_meanwhile(app_ctx, monkeypatch):
    first = maintenance_ops.turn_on(utcnow(), "first")
    read, stale = maintenance_queries.open_window, [None]  # read before the other one opened

    def open_window(**options):
        return stale.pop() if stale else read(**options)

    monkeypatch.setattr(maintenance_queries, "open_window", open_window)
    second = maintenance_ops.turn_on(utcnow(), "second")
    assert second.was_on and second.window.id == first.window.id
    assert second.window.message == "second"
    assert db.session.scalar(select(func.count()).select_from(MaintenanceWindow)) == 1
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "maintenance.start")) == 1


def test_the_database_holds_at_most_one_open_window(app_ctx):
    maintenance_ops.turn_on(utcnow(), None)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(MaintenanceWindow(started_at=utcnow(), message=""))
    db.session.add(MaintenanceWindow(started_at=utcnow(), ended_at=utcnow(), message=""))
    db.session.flush()  # ended windows: as many as there were
