"""What bench/pages.py loads its pages with: the demo plus signed-in trainees and coordinators,
the embedded server (`flask serve`), each session's quiz attempt and sign-in form, and argon2id's
rate alone."""
from __future__ import annotations

import html as html_
import http.client
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import select

from bench.harness import COOKIE, ROOT, Server, free_port
from tests.support import CSRF_RE

PASSWORD = "bench password 1"
FIELD_RE = re.compile(r'<input[^>]*type="radio"[^>]*name="(q\d+)"[^>]*value="([^"]*)"')

def seed(app, sessions: int) -> dict:
    """The demo, plus `sessions` trainees enrolled in the demo's quiz course, a coordinator's
    sessions, and a certificate to check."""
    from academy.academies.models import Academy
    from academy.accounts.models import User
    from academy.accounts.operations import create_user, start_session
    from academy.certificates.models import Certificate
    from academy.curricula.models import Course, Lesson, Module
    from academy.demo import load_demo
    from academy.enrolment import operations as enrolment_ops
    from academy.extensions import db

    with app.test_request_context():
        load_demo()
        db.session.commit()
        quiz = db.session.scalars(
            select(Lesson).join(Module).join(Course)
            .where(Lesson.kind == "quiz", Course.status == "published",
                   Course.visibility == "network", Course.revision_of_id.is_(None),
                   Lesson.removed_at.is_(None))
            .order_by(Course.id, Module.position, Lesson.position)).first()
        course = db.session.get(Course, quiz.module.course_id)
        page = db.session.scalars(
            select(Lesson).join(Module).where(Module.course_id == course.id, Lesson.kind == "page",
                                              Lesson.removed_at.is_(None))
            .order_by(Module.position, Lesson.position)).first()
        academy = db.session.scalars(select(Academy).order_by(Academy.id)).first()
        trainees = []
        for n in range(sessions):
            user, _ = create_user(username=f"bench.trainee{n:02d}", display_name=f"Alumna {n:02d}",
                                  academy=academy, roles=["trainee"], locale="es",
                                  password=PASSWORD)
            trainees.append(user)
        db.session.flush()
        for user in trainees:
            enrolment_ops.enrol_by_staff(user, course)
        coordinator = db.session.scalar(select(User).where(User.username == "coordinator"))
        certificate = db.session.scalars(select(Certificate).where(
            Certificate.revoked_at.is_(None)).order_by(Certificate.id)).first()
        ids = {"course": course.id, "quiz": quiz.id, "lesson": page.id,
               "certificate": certificate.code if certificate else None,
               "trainees": [start_session(u, "127.0.0.1", "bench") for u in trainees],
               "coordinators": [start_session(coordinator, "127.0.0.1", "bench")
                                for _ in range(sessions)]}
        db.session.commit()
    return ids


def seed_large(app) -> None:
    """The sizes of bench/catalogue.py and bench/enrolment.py, added to the demo."""
    from bench import catalogue, enrolment

    catalogue.seed(app, 500, 40, prefix="bench-cat")
    enrolment.seed(app, 20_000, 10, 500, prefix="bench-net")


class EmbeddedServer(Server):
    def workers(self) -> list[int]:
        """The server's worker processes, or the server itself when it has none (a threaded
        server in one process, as `flask serve` was before issue 14)."""
        return super().workers() or [self.process.pid]


def start_embedded(env: dict, logs: Path, name: str = "campus") -> Server:
    """`flask --app wsgi serve`, the README's one command, on the benchmark's database."""
    port = free_port()
    errors = logs / f"{name}-error.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "serve", "--no-demo", "--port", str(port)],
        cwd=ROOT, env=env | {"ACADEMY_ENV": "development"}, stdout=subprocess.DEVNULL,
        stderr=errors.open("w"), start_new_session=True)
    server = EmbeddedServer(process, port, logs / f"{name}-access.log", errors)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            _request(port, "GET", "/healthz", "")
            return server
        except OSError:
            time.sleep(0.3)
    server.stop()
    raise SystemExit(f"flask serve did not answer:\n{errors.read_text()[-3000:]}")


# --- A signed-in browser's first steps: the attempt each session works in ----------------------

def _request(port: int, method: str, path: str, cookie: str, body: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": f"{COOKIE}={cookie}", "Accept-Language": "es"}
    data = None
    if body is not None:
        data = urlencode(body)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, data, headers)
    response = conn.getresponse()
    text = response.read().decode("utf-8", "replace")
    conn.close()
    for name, value in response.getheaders():
        if name.lower() == "set-cookie" and value.startswith(f"{COOKIE}="):
            cookie = value.split(";", 1)[0].split("=", 1)[1]
    return response.status, response.getheader("Location"), text, cookie


def open_attempt(port: int, cookie: str, course: int, quiz: int) -> tuple[str, str, dict]:
    """Start (or resume) the quiz as a browser does; the attempt page, the cookie, a save's body."""
    status, _, page, cookie = _request(port, "GET", f"/courses/{course}/quizzes/{quiz}", cookie)
    token = CSRF_RE.search(page)
    if status != 200 or token is None:
        raise SystemExit(f"quiz page answered {status}")
    status, location, _, cookie = _request(port, "POST", f"/courses/{course}/quizzes/{quiz}/start",
                                           cookie, {"csrf_token": html_.unescape(token.group(1))})
    if status != 302 or not location:
        raise SystemExit(f"starting the quiz answered {status}")
    path = location.replace("http://127.0.0.1", "").split("?", 1)[0]
    status, _, page, cookie = _request(port, "GET", path, cookie)
    token, field = CSRF_RE.search(page), FIELD_RE.search(page)
    if status != 200 or token is None or field is None:
        raise SystemExit(f"attempt page answered {status} (or has no choice question on page 1)")
    body = {"csrf_token": html_.unescape(token.group(1)), "page": "1",
            field.group(1): html_.unescape(field.group(2))}
    return path, cookie, body


def sign_in_form(port: int, username: str) -> tuple[str, str]:
    """A signed-out browser at the sign-in page: its cookie, and the form it will send."""
    status, _, page, cookie = _request(port, "GET", "/login", "")
    token = CSRF_RE.search(page)
    if status != 200 or token is None:
        raise SystemExit(f"sign-in page answered {status}")
    return cookie, urlencode({"csrf_token": html_.unescape(token.group(1)), "username": username,
                              "password": PASSWORD})


def argon2_rate(seconds: float = 8.0) -> float:
    """Password checks per second on every core at once, with the platform's own hasher: what
    sign-ins could reach if nothing else cost anything."""
    from concurrent.futures import ProcessPoolExecutor

    from academy.config import DEFAULTS  # what the server runs with (the tests' app is cheaper)

    config = {key: DEFAULTS[key] for key in
              ("ARGON2_TIME_COST", "ARGON2_MEMORY_COST", "ARGON2_PARALLELISM")}
    cores = os.cpu_count() or 1
    with ProcessPoolExecutor(cores) as pool:
        counts = list(pool.map(_verify_for, [(config, seconds)] * cores))
    return sum(counts) / seconds


def _verify_for(job) -> int:
    import time

    from argon2 import PasswordHasher, Type

    config, seconds = job
    hasher = PasswordHasher(time_cost=config["ARGON2_TIME_COST"],
                            memory_cost=config["ARGON2_MEMORY_COST"],
                            parallelism=config["ARGON2_PARALLELISM"], type=Type.ID)
    stored = hasher.hash(PASSWORD)
    done, end = 0, time.monotonic() + seconds
    while time.monotonic() < end:
        hasher.verify(stored, PASSWORD)
        done += 1
    return done
