"""Outages degrade, never 500 (issue 16): with Redis down people still sign in and check
certificates, and the rate limits still count; with the database gone or restarting a read is
tried again and a write gets a translated 503 page saying nothing was kept."""
from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import func, select, text

from academy.accounts import operations as account_ops
from academy.accounts.models import User
from academy.extensions import db
from academy.ratelimit import RateCounter
from tests.support import (
    PASSWORD,
    csrf_token,
    drop_fresh_database,
    fresh_database_url,
    is_postgres,
    make_app,
    sign_in,
    upgrade_schema,
)

pytestmark = pytest.mark.no_transaction
CLOSED_REDIS = "redis://127.0.0.1:9/0"  # nothing listens on the discard port


@pytest.fixture
def database(tmp_path):
    url = fresh_database_url(tmp_path)
    apps = []

    def _app(**overrides):
        app = make_app(url, tmp_path, **overrides)
        if not apps:
            upgrade_schema(app)
            with app.test_request_context():
                account_ops.create_user(username="ana.silva", display_name="Ana Silva",
                                        password=PASSWORD)
                db.session.commit()
        apps.append(app)
        return app

    yield _app
    for app in apps:
        with app.app_context():
            db.engine.dispose()
    drop_fresh_database(url)


def test_with_redis_down_people_sign_in_and_the_limits_count_in_the_database(database):
    app = database(REDIS_URL=CLOSED_REDIS)
    browser = app.test_client()
    response = sign_in(browser, "ana.silva")
    assert response.status_code == 302
    assert browser.get("/account").status_code == 200
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    codes = [sign_in(app.test_client(), "ana.silva", "wrong-guess").status_code
             for _ in range(limit)]
    assert codes == [401] * limit
    assert sign_in(app.test_client(), "ana.silva").status_code == 429  # still locked
    with app.app_context():
        assert db.session.scalar(select(func.sum(RateCounter.hits))) >= limit


def test_with_redis_down_anyone_can_still_check_a_certificate(database):
    app = database(REDIS_URL=CLOSED_REDIS)
    client = app.test_client()
    page = client.get("/verify/PAN-2026-000001")
    assert page.status_code == 404  # an unknown code, said as such: not a server error
    assert "No certificate found" in page.get_data(as_text=True)
    assert client.get("/verify/PAN-2026-000001.json").json["status"] == "unknown"


def test_a_database_that_cannot_be_reached_gives_a_translated_503_page(tmp_path):
    app = make_app("postgresql+psycopg://postgres@127.0.0.1:9/campus?connect_timeout=1",
                   tmp_path, WTF_CSRF_ENABLED=False)
    client = app.test_client()
    page = client.get("/", headers={"Accept-Language": "es"})
    assert page.status_code == 503
    assert page.headers["Retry-After"] == "5"
    body = page.get_data(as_text=True)
    assert "<html" in body and "Traceback" not in body
    assert "base de datos" in body  # the message, in the reader's language
    post = client.post("/login", data={"username": "ana", "password": "x"},
                       headers={"Accept-Language": "fr"})
    assert post.status_code == 503 and "base de données" in post.get_data(as_text=True)


@pytest.mark.skipif(not is_postgres(), reason="cutting server connections needs PostgreSQL")
def test_connections_cut_by_a_postgresql_restart_cost_no_request(database):
    app = database()
    browser = app.test_client()
    assert sign_in(browser, "ana.silva").status_code == 302
    assert browser.get("/account").status_code == 200
    with app.app_context():
        # What a restart does to the pool's connections: the server ends them all.
        url = db.engine.url
        import sqlalchemy as sa

        other = sa.create_engine(url.set(query={}))
        with other.begin() as connection:
            ended = connection.execute(text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND application_name <> 'psql'")).scalar()
        other.dispose()
    assert ended >= 1
    assert browser.get("/account").status_code == 200
    assert sign_in(app.test_client(), "ana.silva").status_code == 302


@pytest.mark.skipif(is_postgres(), reason="SQLite's write lock is what this test holds")
def test_a_write_that_waits_too_long_for_sqlite_gets_503_and_nothing_is_half_done(database):
    app = database(SQLITE_BUSY_TIMEOUT_MS=200, WTF_CSRF_ENABLED=False)
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    browser = app.test_client()
    csrf_token(browser, "/login")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holding the lock (a long import, say)
    try:
        response = browser.post("/login", data={"username": "ana.silva", "password": PASSWORD},
                                headers={"Accept-Language": "pt"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert response.status_code == 503
    assert "base de dados" in response.get_data(as_text=True)
    assert sign_in(browser, "ana.silva").status_code == 302  # and it works once the lock goes
    with app.app_context():
        assert db.session.scalar(select(User.last_login_at).where(
            User.username == "ana.silva")) is not None


@pytest.mark.skipif(is_postgres(), reason="SQLite's write lock is what this test holds")
def test_a_signed_in_person_gets_the_503_page_in_their_language_too(database):
    app = database(SQLITE_BUSY_TIMEOUT_MS=200, WTF_CSRF_ENABLED=False)
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    browser = app.test_client()
    assert sign_in(browser, "ana.silva").status_code == 302
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        response = browser.post("/account", data={"display_name": "Ana S.", "email": "",
                                                  "locale": "it"},
                                headers={"Accept-Language": "it"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert response.status_code == 503
    assert "raggiungere il suo database" in response.get_data(as_text=True)
    assert browser.get("/account").status_code == 200  # still signed in afterwards
    with app.app_context():
        assert db.session.scalar(select(User.display_name).where(
            User.username == "ana.silva")) == "Ana Silva"


@pytest.mark.skipif(not is_postgres(), reason="cutting a server connection needs PostgreSQL")
def test_a_read_whose_connection_is_cut_mid_request_is_served_on_a_new_one(database):
    """What a PostgreSQL restart does to a request in flight, after the person was loaded."""
    import sqlalchemy as sa
    from sqlalchemy import event

    app = database()
    browser = app.test_client()
    assert sign_in(browser, "ana.silva").status_code == 302
    with app.app_context():
        engine = db.engine
    other = sa.create_engine(engine.url.set(query={}))
    cut = []

    def _cut(connection, _cursor, statement, *_args):
        if not cut and "enrolments" in statement:
            pid = connection.connection.dbapi_connection.info.backend_pid
            with other.begin() as admin:
                admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            cut.append(pid)

    event.listen(engine, "before_cursor_execute", _cut)
    try:
        page = browser.get("/learning")
    finally:
        event.remove(engine, "before_cursor_execute", _cut)
        other.dispose()
    assert cut, "the page read no enrolment"
    assert page.status_code == 200
    assert "Ana Silva" in page.get_data(as_text=True)  # still signed in, on the retried read


def test_counts_made_in_the_database_during_an_outage_are_cleared_with_redis_s(database):
    """A person who signs in after Redis came back is not locked later by failures counted in
    the database while it was down (should Redis fail again within their window)."""
    import secrets
    import time

    import redis

    from academy import ratelimit
    from tests.support import local_redis

    app = database(REDIS_URL=local_redis(11), REDIS_PREFIX=f"campus-test:{secrets.token_hex(4)}:")
    limit, now = ratelimit.Limit(5, 900), time.time()
    with app.test_request_context():
        store = ratelimit.counters()
        working = store.client
        store.client = redis.Redis.from_url(CLOSED_REDIS, socket_connect_timeout=0.5)
        for _ in range(3):
            store.hit("login:account:7", limit, now)  # Redis down: counted in the database
        store.client, store.down_until = working, 0.0  # Redis is back
        assert store.count("login:account:7", limit, now) == 0  # Redis knows nothing of them
        store.reset("login:account:7")  # the person signs in
        assert store.fallback.count("login:account:7", limit, now) == 0
