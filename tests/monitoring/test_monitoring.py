"""Health probes and the request log, as an operator meets them (metrics: test_metrics.py)."""
from __future__ import annotations

import json
import logging
import re
import socket
import time
from datetime import timedelta

import pytest
from flask import Flask

from academy.config import load_config
from academy.db import utcnow
from academy.extensions import db
from academy.jobs import runner
from tests.factories.monitoring import scrape
from tests.support import local_redis, make_app

# Nothing listens on the discard port: a port taken from the kernel and let go could be handed
# to a server another test (or the suite on the other database, run alongside) starts meanwhile.
CLOSED_PORT = 9


# --- Probes -------------------------------------------------------------------------------------

def test_ready_answers_200_with_every_check_and_its_time(client):
    response = client.get("/health/ready")

    assert response.status_code == 200
    body = response.json
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "jobs", "queue", "uploads"}  # no Redis configured
    assert all(check["ok"] and check["ms"] >= 0 for check in body["checks"].values())
    assert body["checks"]["queue"]["mode"] == "inline"
    assert response.headers["Cache-Control"] == "no-store"


def test_ready_reports_how_long_the_oldest_queued_job_has_waited(app, client, app_ctx):
    job = runner.create_job("test.wait", owner_id=None, payload={}, total=1)
    job.created_at = utcnow() - timedelta(days=365)
    db.session.commit()

    jobs = client.get("/health/ready").json["checks"]["jobs"]

    assert jobs["ok"] and jobs["queued"] >= 1
    assert jobs["oldest_queued_age_seconds"] > 300 * 24 * 3600


def test_live_and_healthz_answer(client):
    live = client.get("/health/live")
    assert live.status_code == 200 and live.json == {"status": "alive"}
    assert client.get("/healthz").json["status"] == "ready"


@pytest.fixture(params=["sqlite-missing-folder", "postgresql-closed-port"])
def unreachable_database_app(request, tmp_path):
    """An app whose database cannot be reached: an SQLite file in a folder that does not
    exist, or a PostgreSQL server on a port nobody listens on."""
    if request.param.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'no-such-folder' / 'campus.sqlite3'}"
    else:
        url = f"postgresql+psycopg://postgres@127.0.0.1:{CLOSED_PORT}/campus"
    app = make_app(url, tmp_path, JOB_MODE="inline")  # inline: no job sweeper thread
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.mark.no_transaction
def test_a_database_that_cannot_be_reached_is_a_503_answer_not_a_500(unreachable_database_app):
    client = unreachable_database_app.test_client()
    started = time.monotonic()

    ready = client.get("/health/ready")
    alias = client.get("/healthz")

    assert time.monotonic() - started < 5
    assert ready.status_code == 503 and alias.status_code == 503
    checks = ready.json["checks"]
    assert ready.json["status"] == "not ready"
    assert checks["database"] == {"ok": False, "error": "OperationalError",
                                  "ms": checks["database"]["ms"]}
    assert checks["jobs"]["ok"] is False  # not tried: it would wait for the database again
    assert checks["uploads"]["ok"] is True
    live = client.get("/health/live")
    assert live.status_code == 200  # the process itself is fine: no restart


@pytest.mark.no_transaction
def test_metrics_still_answer_without_the_database(unreachable_database_app):
    client = unreachable_database_app.test_client()
    samples = scrape(client)
    assert ("campus_sign_ins_total", ()) in samples
    assert not any(name == "campus_jobs" for name, _labels in samples)


def test_a_redis_on_a_closed_port_makes_the_app_not_ready(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{CLOSED_PORT}/0")
    monkeypatch.setitem(app.config, "JOB_MODE", None)  # RQ, as production runs with Redis

    response = client.get("/health/ready")

    assert response.status_code == 503
    checks = response.json["checks"]
    assert checks["redis"]["ok"] is False and checks["redis"]["error"] == "ConnectionError"
    assert checks["queue"] == {"ok": False, "error": "redis unreachable", "ms": 0.0, "mode": "rq"}
    assert checks["database"]["ok"] and checks["uploads"]["ok"]


def test_a_redis_url_that_redis_cannot_read_is_a_503_answer(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "redis-on-the-other-machine")
    monkeypatch.setitem(app.config, "JOB_MODE", None)

    response = client.get("/health/ready")

    assert response.status_code == 503
    assert response.json["checks"]["redis"] == {"ok": False, "error": "ValueError", "ms": 0.0}
    assert response.json["checks"]["queue"]["ok"] is False


def test_a_redis_that_never_answers_does_not_hang_the_probe(app, client, monkeypatch):
    """A server that takes the connection but never replies (a hung Redis): about a second."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{port}/0")
        started = time.monotonic()

        response = client.get("/health/ready")

        elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.json["checks"]["redis"]["error"] == "TimeoutError"
    assert elapsed < 4


def test_a_live_redis_and_its_queue_are_ready(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", local_redis(13))
    monkeypatch.setitem(app.config, "JOB_MODE", None)

    response = client.get("/health/ready")

    assert response.status_code == 200
    checks = response.json["checks"]
    assert checks["redis"]["ok"] and checks["redis"]["pong"] is True
    queue = checks["queue"]
    assert queue["ok"] and queue["mode"] == "rq"
    assert isinstance(queue["waiting"], int) and isinstance(queue["workers"], int)


def test_an_upload_folder_that_takes_no_file_makes_the_app_not_ready(app, client, monkeypatch,
                                                                     tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(blocker / "uploads"))

    response = client.get("/health/ready")

    assert response.status_code == 503
    assert response.json["checks"]["uploads"]["ok"] is False


# --- Request ids and the request log ------------------------------------------------------------

def test_a_sane_request_id_is_sent_back(client):
    response = client.get("/health/live", headers={"X-Request-Id": "lb-7f3a.2:9_x"})
    assert response.headers["X-Request-Id"] == "lb-7f3a.2:9_x"


@pytest.mark.parametrize("given", [None, "", "x" * 65, "two words", "id\u00e9", "-leading-dash",
                                   "a\"b", "a;b=c"])
def test_a_request_without_a_sane_id_gets_one_of_its_own(client, given):
    headers = {} if given is None else {"X-Request-Id": given}
    first = client.get("/health/live", headers=headers).headers["X-Request-Id"]
    second = client.get("/health/live", headers=headers).headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{32}", first) and first != second


def test_error_pages_carry_a_request_id_too(client):
    response = client.get("/no-such-page", headers={"X-Request-Id": "probe-404"})
    assert response.status_code == 404 and response.headers["X-Request-Id"] == "probe-404"


@pytest.fixture
def request_lines(app, monkeypatch, caplog):
    """The request log switched on; its lines as dicts."""
    monkeypatch.setitem(app.config, "REQUEST_LOG", True)
    logger = logging.getLogger("campus.requests")
    monkeypatch.setattr(logger, "propagate", False)  # caplog's handler is attached right here
    logger.addHandler(caplog.handler)
    with caplog.at_level(logging.INFO, logger="campus.requests"):
        yield lambda: [json.loads(record.getMessage()) for record in caplog.records
                       if record.name == "campus.requests"]
    logger.removeHandler(caplog.handler)


def test_each_request_writes_one_structured_line(client, request_lines):
    client.get("/health/live?probe=1", headers={"X-Request-Id": "trace-42"})

    [line] = request_lines()
    assert line["request_id"] == "trace-42"
    assert (line["method"], line["path"], line["endpoint"], line["status"]) == (
        "GET", "/health/live", "monitoring.live", 200)
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["user_id"] is None and line["remote_addr"] == "127.0.0.1"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["time"])


def test_the_line_names_the_signed_in_person_without_a_query_more(
        app, client, login_as, trainee, request_lines, count_queries, monkeypatch):
    login_as(trainee)
    client.get("/learning")  # warm: the first visit may load what later ones keep
    monkeypatch.setitem(app.config, "REQUEST_LOG", False)
    quiet = count_queries(lambda: client.get("/learning"))
    monkeypatch.setitem(app.config, "REQUEST_LOG", True)
    logged = count_queries(lambda: client.get("/learning"))

    lines = request_lines()
    assert lines[-1]["user_id"] == trainee.id and lines[-1]["endpoint"] == "home.learning"
    assert logged == quiet


def test_the_request_log_is_on_in_production_and_off_in_development(tmp_path):
    def configured(**settings) -> bool:
        app = Flask(__name__, instance_path=str(tmp_path))
        load_config(app, {"SECRET_KEY": "x", "DATABASE_URL": "sqlite://",
                          "PUBLIC_URL": "https://campus.example", **settings})
        return app.config["REQUEST_LOG"]

    assert configured(ENV="production") is True
    assert configured(ENV="development") is False
    assert configured(ENV="production", REQUEST_LOG=False) is False
    assert configured(ENV="development", REQUEST_LOG=True) is True
