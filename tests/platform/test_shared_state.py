"""State that must hold across server processes and under a classroom's load.

These tests build apps of their own on committed databases, as separate gunicorn workers would
see them, so they run outside the per-test transaction.
"""
from __future__ import annotations

import secrets
import threading

import pytest

from academy.accounts import operations as account_ops
from academy.extensions import db
from tests.support import (
    PASSWORD,
    drop_fresh_database,
    fresh_database_url,
    local_redis,
    make_app,
    sign_in,
    upgrade_schema,
)

pytestmark = pytest.mark.no_transaction



@pytest.fixture
def shared_database(tmp_path):
    url = fresh_database_url(tmp_path)
    yield url
    drop_fresh_database(url)


def _workers(url, tmp_path, n=2, **overrides):
    apps = [make_app(url, tmp_path, **overrides) for _ in range(n)]
    upgrade_schema(apps[0])
    for worker in apps:
        worker.config["SECRET_KEY"] = apps[0].config["SECRET_KEY"]
    return apps


def _add_person(app, username):
    with app.test_request_context():
        account_ops.create_user(username=username, display_name=username, password=PASSWORD)
        db.session.commit()



@pytest.mark.parametrize("store", ["database", "redis"])
def test_failed_sign_in_limit_holds_across_workers(tmp_path, shared_database, store):
    overrides = {}
    if store == "redis":
        url = local_redis(15)
        overrides = {"REDIS_URL": url, "REDIS_PREFIX": f"campus-test:{secrets.token_hex(4)}:"}
    workers = _workers(shared_database, tmp_path, **overrides)
    _add_person(workers[0], "shared.person")
    limit = workers[0].config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    codes = [sign_in(workers[i % 2].test_client(), "shared.person", "guess").status_code
             for i in range(limit)]
    assert codes == [401] * limit
    # Every worker now refuses, even the right password: the count is shared, not per process.
    for worker in workers:
        assert sign_in(worker.test_client(), "shared.person", PASSWORD).status_code == 429
    for worker in workers:
        with worker.app_context():
            db.engine.dispose()


def test_logout_on_one_worker_ends_the_session_on_every_worker(tmp_path, shared_database):
    first, second = _workers(shared_database, tmp_path)
    _add_person(first, "moving.person")
    browser = first.test_client()
    sign_in(browser, "moving.person")
    cookie = browser.get_cookie("campus_session").value
    elsewhere = second.test_client()
    elsewhere.set_cookie("campus_session", cookie)
    assert elsewhere.get("/account").status_code == 200
    from tests.support import post_form

    post_form(browser, "/logout", token_from="/account")
    assert elsewhere.get("/account").status_code == 302
    for worker in (first, second):
        with worker.app_context():
            db.engine.dispose()


def test_sqlite_holds_a_classroom_of_thirty_writing_at_once(tmp_path):
    """30 trainees save at the same moment; none sees 'database is locked'."""
    url = fresh_database_url(tmp_path, sqlite=True)
    app = make_app(url, tmp_path, WTF_CSRF_ENABLED=False, SQLITE_BUSY_TIMEOUT_MS=30_000)
    upgrade_schema(app)
    tokens = []
    with app.test_request_context():
        for n in range(30):
            user, _ = account_ops.create_user(username=f"cadet{n:02d}", display_name=f"Cadet {n}",
                                              password=PASSWORD)
            tokens.append(account_ops.start_session(user, "10.0.0.1", "classroom"))
        db.session.commit()
    barrier = threading.Barrier(30)
    results: list[object] = []

    def trainee(token: str, n: int) -> None:
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = token
        barrier.wait()
        try:
            for locale in ("es", "pt_BR", "fr"):
                response = client.post("/account", data={"display_name": f"Cadete {n} {locale}",
                                                          "email": "", "locale": locale})
                results.append(response.status_code)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            results.append(error)

    threads = [threading.Thread(target=trainee, args=(t, n)) for n, t in enumerate(tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert results == [302] * 90
    with app.app_context():
        from sqlalchemy import func, select

        from academy.accounts.models import User

        saved = db.session.scalar(select(func.count()).select_from(User).where(User.locale == "fr"))
        assert saved == 30
        db.session.remove()
        db.engine.dispose()


def test_fifty_people_racing_for_the_last_places_never_overfill_the_course(tmp_path,
                                                                           shared_database):
    """Capacity 5 with 50 concurrent requests: exactly 5 places taken, 45 on the waiting list."""
    from academy.academies.operations import create_academy
    from academy.curricula import operations as course_ops
    from academy.enrolment import operations as enrolment_ops
    from academy.enrolment.models import Enrolment
    from academy.packages import operations as package_ops
    from tests.factories.packages import sample_package

    app = make_app(shared_database, tmp_path, WTF_CSRF_ENABLED=False)
    upgrade_schema(app)
    with app.test_request_context():
        academy = create_academy(slug="cep-madrid", names={"es": "CEP"}, country="ES",
                                 default_locale="es")
        course = package_ops.import_package(sample_package(), academy=academy)
        course_ops.publish_course(course)
        enrolment_ops.save_rules(course, policy="open", enrolment_key=None, capacity=5,
                                 opens_at=None, closes_at=None, starts_at=None, ends_at=None,
                                 allow_withdrawal=True, completion_mode="viewed",
                                 allowed_academy_ids=set())
        tokens = []
        for n in range(50):
            user, _ = account_ops.create_user(username=f"racer{n:02d}", display_name=f"R {n}",
                                              academy=academy, roles=["trainee"], password=PASSWORD)
            tokens.append(account_ops.start_session(user, "10.0.0.2", "race"))
        course_id = course.id
        db.session.commit()
    barrier = threading.Barrier(50)
    results: list[object] = []

    def racer(token: str) -> None:
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = token
        barrier.wait()
        try:
            results.append(client.post(f"/courses/{course_id}/enrol").status_code)
            results.append(client.post(f"/courses/{course_id}/enrol").status_code)  # double click
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            results.append(error)

    threads = [threading.Thread(target=racer, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert results == [302] * 100
    with app.app_context():
        from sqlalchemy import func, select

        counts = dict(db.session.execute(
            select(Enrolment.status, func.count()).where(Enrolment.course_id == course_id)
            .group_by(Enrolment.status)).all())
        assert counts == {"active": 5, "waitlisted": 45}
        db.session.remove()  # give its connection back before closing the pool
        db.engine.dispose()
