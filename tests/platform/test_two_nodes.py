"""Two nodes (issue 16): two gunicorn instances started with gunicorn.conf.py on one PostgreSQL
database, one Redis, one upload folder and one secret key, and a `flask jobs worker` beside them.
A session opened on node A works on node B, a bulk certificate job enqueued on A is run by the
worker and shown finished on B, and failed sign-ins on both nodes count against one limit.

PostgreSQL only (ACADEMY_TEST_DATABASE_URL): the test creates a database of its own and drops
it; Redis at 127.0.0.1:6379, database 12, with keys and a queue named for this run only."""
from __future__ import annotations

import contextlib
import http.client
import io
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from academy.extensions import db
from tests.support import (
    CSRF_RE,
    PASSWORD,
    TEST_DATABASE_URL,
    is_postgres,
    local_redis,
    make_app,
    upgrade_schema,
)

pytestmark = [
    pytest.mark.no_transaction,
    pytest.mark.skipif(not is_postgres(), reason="two nodes share one PostgreSQL database: set "
                       "ACADEMY_TEST_DATABASE_URL to a PostgreSQL URL to run it"),
]

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
REDIS_DB = 12
FAILURES_ALLOWED = 4  # ACADEMY_LOGIN_MAX_FAILURES_PER_ACCOUNT on both nodes


class Browser:
    """One browser's cookies, sent to whichever node it asks (no redirect followed)."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, path: str, fields=None) -> tuple[int, str, bytes]:
        """(status, Location, body)."""
        headers = {"Accept-Language": "en"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode(fields, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            for header in response.msg.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, response.getheader("Location", ""), data
        finally:
            conn.close()

    def page(self, port: int, path: str) -> tuple[int, str]:
        status, _, body = self.request(port, "GET", path)
        return status, body.decode()

    def sign_in(self, port: int, username: str, password: str) -> int:
        _, html = self.page(port, "/login")
        token = CSRF_RE.search(html).group(1)
        status, _, _ = self.request(port, "POST", "/login", {
            "username": username, "password": password, "csrf_token": token})
        return status


@dataclass
class Nodes:
    a: int  # node A's port
    b: int
    env: dict
    logs: Path
    seeded: dict
    processes: list[subprocess.Popen] = field(default_factory=list)

    def start(self, name: str, command: list[str]) -> subprocess.Popen:
        with (self.logs / f"{name}.log").open("w") as out:
            process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=out,
                                       stderr=subprocess.STDOUT, start_new_session=True)
        self.processes.append(process)
        return process

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def stop(self) -> None:
        """Every process started, with its children (gunicorn's workers), even stuck ones."""
        for process in self.processes:
            _signal_group(process, signal.SIGTERM)
        for process in self.processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(15)
            _signal_group(process, signal.SIGKILL)
            process.wait()


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _seed(url: str, tmp: Path) -> dict:
    """The schema through the migrations; a coordinator, two trainees, and three graduates of a
    published course (eligible for a certificate)."""
    from academy.academies import operations as academy_ops
    from academy.accounts import operations as account_ops
    from academy.curricula import operations as course_ops
    from academy.db import utcnow
    from academy.enrolment import operations as enrolment_ops
    from academy.enrolment.models import COMPLETED
    from academy.packages import operations as package_ops
    from tests.factories.packages import sample_package

    app = make_app(url, tmp)
    upgrade_schema(app)
    with app.test_request_context():
        academy = academy_ops.create_academy(slug="cep-madrid", names={"es": "CEP"},
                                             country="ES", default_locale="es")
        course = package_ops.import_package(sample_package(), academy=academy)
        course_ops.publish_course(course)
        account_ops.create_user(username="coordinator", display_name="Network Coordination",
                                password=PASSWORD, network_roles=["coordinator"])
        for username in ("ana.two.nodes", "guessed.account"):
            account_ops.create_user(username=username, display_name=f"Trainee {username}",
                                    academy=academy, password=PASSWORD, roles=["trainee"])
        enrolments = []
        for n in range(3):
            person, _ = account_ops.create_user(
                username=f"graduate{n}", display_name=f"Graduada Ñandú {n}", academy=academy,
                password=PASSWORD, roles=["trainee"], locale="es")
            enrolment = enrolment_ops.enrol_by_staff(person, course)
            enrolment.status, enrolment.completed_at = COMPLETED, utcnow() - timedelta(days=2)
            db.session.flush()
            enrolments.append(enrolment.id)
        db.session.commit()
    with app.app_context():
        db.engine.dispose()
    return {"enrolments": enrolments}


@pytest.fixture(scope="module")
def database():
    """A PostgreSQL database of its own on the test server, dropped afterwards."""
    name = f"campus_two_nodes_{secrets.token_hex(4)}"
    admin = create_engine(make_url(TEST_DATABASE_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    try:
        yield make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


@pytest.fixture(scope="module")
def nodes(database, tmp_path_factory):
    """Nodes A and B (gunicorn -c gunicorn.conf.py, two workers each) and one RQ worker."""
    if not GUNICORN.exists():
        pytest.skip("gunicorn is not installed (pip install -e '.[prod]')")
    redis_url = local_redis(REDIS_DB)
    run = secrets.token_hex(4)
    tmp = tmp_path_factory.mktemp("two-nodes")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACADEMY_")}
    env.update(ACADEMY_ENV="production", ACADEMY_SECRET_KEY=secrets.token_hex(32),
               ACADEMY_DATABASE_URL=database, ACADEMY_REDIS_URL=redis_url,
               ACADEMY_REDIS_PREFIX=f"campus-two-nodes:{run}:", ACADEMY_JOB_MODE="rq",
               ACADEMY_JOB_QUEUE=f"campus-two-nodes-{run}", ACADEMY_UPLOAD_DIR=str(tmp / "uploads"),
               ACADEMY_PUBLIC_URL="http://127.0.0.1", ACADEMY_CERTIFICATE_WORKERS="1",
               ACADEMY_LOGIN_MAX_FAILURES_PER_ACCOUNT=str(FAILURES_ALLOWED),
               WEB_CONCURRENCY="2", PYTHONDONTWRITEBYTECODE="1")
    found = Nodes(_free_port(), _free_port(), env, tmp, _seed(database, tmp))
    try:
        for name, port in (("node-a", found.a), ("node-b", found.b)):
            found.start(name, [str(GUNICORN), "-c", str(ROOT / "gunicorn.conf.py"),
                               "-b", f"127.0.0.1:{port}", "wsgi:app"])
        found.start("worker", [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker"])
        _wait_until_ready(found, redis_url)
        yield found
    finally:
        found.stop()
        _forget_redis_keys(redis_url, env)


def _wait_until_ready(nodes: Nodes, redis_url: str, seconds: float = 60) -> None:
    """Both nodes answer and the worker serves the run's queue."""
    from redis import Redis
    from rq import Queue, Worker

    connection = Redis.from_url(redis_url)
    queue = Queue(nodes.env["ACADEMY_JOB_QUEUE"], connection=connection)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for process, name in zip(nodes.processes, ("node-a", "node-b", "worker"), strict=False):
            if process.poll() is not None:
                pytest.fail(f"{name} stopped:\n{nodes.log(name)[-3000:]}")
        ready = [_answers(port) for port in (nodes.a, nodes.b)]
        if all(ready) and Worker.count(connection=connection, queue=queue):
            connection.close()
            return
        time.sleep(0.2)
    pytest.fail("the nodes or the worker did not start within a minute:\n"
                + "\n".join(nodes.log(n)[-1500:] for n in ("node-a", "node-b", "worker")))


def _answers(port: int) -> bool:
    try:
        return Browser().request(port, "GET", "/login")[0] == 200
    except OSError:
        return False


def _forget_redis_keys(redis_url: str, env: dict) -> None:
    """The run's counters, queue and jobs (the other tests' keys in database 12 stay)."""
    from redis import Redis

    connection = Redis.from_url(redis_url)
    queue = env["ACADEMY_JOB_QUEUE"]
    for pattern in (f"{env['ACADEMY_REDIS_PREFIX']}*", f"*{queue}*", "rq:job:campus-*",
                    "rq:results:campus-*"):
        for key in connection.scan_iter(match=pattern, count=500):
            connection.delete(key)
    for key in connection.scan_iter(match="rq:worker:*", count=500):  # they expire, but now
        if connection.hget(key, "queues") == queue.encode():
            connection.delete(key)
    connection.srem("rq:queues", f"rq:queue:{queue}")
    connection.close()


def test_a_session_opened_on_node_a_works_on_node_b(nodes):
    browser = Browser()
    assert browser.sign_in(nodes.a, "ana.two.nodes", PASSWORD) == 302
    status, html = browser.page(nodes.b, "/learning")
    assert status == 200 and "Trainee ana.two.nodes" in html
    token = CSRF_RE.search(html).group(1)
    assert browser.request(nodes.b, "POST", "/logout", {"csrf_token": token})[0] == 302
    status, location, _ = browser.request(nodes.a, "GET", "/learning")
    assert status == 302 and urlsplit(location).path == "/login"  # signed out on B: out on A too


def test_a_job_enqueued_on_node_a_is_run_by_the_worker_and_shown_finished_on_node_b(nodes):
    coordinator = Browser()
    assert coordinator.sign_in(nodes.a, "coordinator", PASSWORD) == 302
    _, html = coordinator.page(nodes.a, "/certificates/eligible")
    ids = nodes.seeded["enrolments"]
    status, location, _ = coordinator.request(nodes.a, "POST", "/certificates/issue", {
        "csrf_token": CSRF_RE.search(html).group(1), "enrolments": ids, "confirmed": "1"})
    job = re.fullmatch(r"/certificates/jobs/(\w+)", urlsplit(location).path)
    assert status == 302 and job, location
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        status, html = coordinator.page(nodes.b, job.group(0))
        assert status == 200
        if "certificates.zip" in html:
            break
        time.sleep(0.3)
    else:
        pytest.fail(f"the job did not finish in 40 s:\n{nodes.log('worker')[-3000:]}")
    assert "3 certificates issued." in html
    status, _, body = coordinator.request(nodes.b, "GET", f"{job.group(0)}/certificates.zip")
    assert status == 200 and len(zipfile.ZipFile(io.BytesIO(body)).namelist()) == 3
    assert f"Job OK (campus-{job.group(1)})" in nodes.log("worker")  # the RQ worker ran it


def test_failed_sign_ins_on_both_nodes_count_against_one_limit(nodes):
    ports = [nodes.a, nodes.b] * FAILURES_ALLOWED
    statuses = [Browser().sign_in(port, "guessed.account", "not the password")
                for port in ports[:FAILURES_ALLOWED]]
    assert statuses == [401] * FAILURES_ALLOWED  # two on each node: each alone would allow more
    # The right password now: the account is locked whichever node is asked.
    assert Browser().sign_in(nodes.a, "guessed.account", PASSWORD) == 429
    assert Browser().sign_in(nodes.b, "guessed.account", PASSWORD) == 429
    from redis import Redis

    connection = Redis.from_url(nodes.env["ACADEMY_REDIS_URL"])
    counted = list(connection.scan_iter(match=f"{nodes.env['ACADEMY_REDIS_PREFIX']}*login*"))
    connection.close()
    assert counted, "the counters are in Redis, where both nodes see them"
