"""A quiz under load (issue 5): 300 trainees taking a 20-question quiz at once under gunicorn.

Seeds a published course whose quiz mixes every automatically graded question type, serves the
app with gunicorn in production mode, and runs one thread per trainee (stdlib `http.client`,
keeping the connection open when the server does): start, then on every page three background
saves with changing answers and a page change, then the summary and the submission. Latencies
are compared with a bare Flask page served by the same gunicorn settings and hit by the same
client in the same run. Afterwards the database must hold, for every question of every attempt,
the answer that trainee last sent (read the way `responses.read` reads it), and every attempt
must have been submitted once.

Target: an answer save's p95 under 100 ms and zero lost answers.
"""
from __future__ import annotations

import argparse
import html as html_
import http.client
import json
import math
import os
import random
import re
import resource
import secrets
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, event, insert, select, text  # noqa: E402

from bench.databases import DEFAULT_BASE, create_database, drop_database  # noqa: E402
from bench.harness import (BASELINE_APP, COOKIE, GunicornOptions, Server,  # noqa: E402
                           app_env, session_cookie, start_server)
from bench.measures import cpu_seconds, machine_busy, percentile  # noqa: E402
from tests.support import CSRF_RE, make_app, upgrade_schema  # noqa: E402

BENCH_DATABASE = "campus_bench_quiz"

# --- The course: a package whose quiz cycles through the automatically graded types ----------

QUESTION_SHAPES = [
    ("::q{n}:: Pregunta {n}: ¿quién autoriza un registro integral? {=La dirección, por escrito "
     "#Correcto ~Cualquier funcionario ~El jefe de servicio ~Nadie}"),
    ("::q{n}:: Pregunta {n}: elija las dos correctas {~%50%Respeto ~%50%Intimidad "
     "~%-50%Humillación ~%-50%Castigo}"),
    "::q{n}:: Pregunta {n}: un registro debe ser proporcional. {T}",
    "::q{n}:: Pregunta {n}: la palabra clave {=dignidad =respeto}",
    "::q{n}:: Pregunta {n}: ¿cuántos funcionarios como mínimo? {#2:0}",
    "::q{n}:: Pregunta {n}: relacione {=Celda -> Espacio =Persona -> Cuerpo =Patio -> Exterior}",
]


def course_package(questions: int, per_page: int) -> dict[str, bytes]:
    """A course package with one quiz of `questions` GIFT questions, no essay (all auto-graded)."""
    gift = "$CATEGORY: carga/cuestionario\n\n" + "\n\n".join(
        QUESTION_SHAPES[n % len(QUESTION_SHAPES)].replace("{n}", str(n + 1))
        for n in range(questions)) + "\n"
    course = ('format = 1\nslug = "carga-cuestionario"\nowner = "bench-quiz"\nversion = 1\n'
              'default_locale = "es"\nlocales = ["es"]\nhours = 2\ntags = ["carga"]\n'
              'visibility = "network"\nmodules = ["01-evaluacion"]\n\n[title]\n'
              'es = "Curso con cuestionario"\n\n[summary]\nes = "Medida de carga."\n')
    module = 'lessons = ["quiz-final"]\n\n[title]\nes = "Evaluación"\n'
    quiz = (f"time_limit_minutes = 60\nattempts = 0\npass_mark = 50\nshuffle_questions = true\n"
            f"shuffle_choices = true\nquestions_per_page = {per_page}\n\n[title]\n"
            f'es = "Cuestionario final"\n')
    return {"course.toml": course.encode(), "01-evaluacion/module.toml": module.encode(),
            "01-evaluacion/quiz-final.toml": quiz.encode(),
            "01-evaluacion/quiz-final.es.gift": gift.encode()}


# --- The database ------------------------------------------------------------------------------

def seed(app, trainees: int, questions: int, per_page: int, warm: bool = False) -> dict:
    """The academy, the published course and its quiz, and trainees enrolled with a session each.

    One more trainee than asked is made: the probe, whose requests count SQL statements. `warm`
    takes the questions' frozen versions now, as the first attempt ever started would.
    """
    from academy.academies.models import Membership
    from academy.academies.operations import create_academy
    from academy.accounts.models import User
    from academy.accounts.operations import start_session
    from academy.accounts.passwords import hash_password
    from academy.curricula import operations as course_ops
    from academy.packages import operations as package_ops
    from academy.quizzes.models import Question
    from academy.db import utcnow
    from academy.enrolment.models import Enrolment
    from academy.extensions import db
    from academy.quizzes import operations as quiz_ops
    from academy.quizzes import queries as quiz_queries

    now = utcnow()
    with app.test_request_context():
        academy = create_academy(slug="bench-quiz", names={"es": "Academia de carga"},
                                 country="ES", default_locale="es")
        db.session.flush()
        course = package_ops.import_package(course_package(questions, per_page))
        course_ops.publish_course(course)
        lesson_id = quiz_queries.quizzes_of(course.id)[0].id
        if warm:
            for question in db.session.scalars(select(Question).where(
                    Question.course_id == course.id)):
                quiz_ops.snapshot(question)
        secret = hash_password("bench password 1")  # never used: sessions are made directly
        db.session.execute(insert(User), [
            {"username": f"q{n:05d}", "display_name": f"Alumna {n:05d}",
             "sort_name": f"alumna {n:05d}", "academy_id": academy.id, "password_hash": secret,
             "is_active": True, "must_change_password": False, "created_at": now}
            for n in range(trainees + 1)])
        users = list(db.session.scalars(select(User).where(User.academy_id == academy.id)
                                        .order_by(User.id)))
        db.session.execute(insert(Membership), [
            {"user_id": u.id, "academy_id": academy.id, "role": "trainee", "created_at": now}
            for u in users])
        db.session.execute(insert(Enrolment), [
            {"course_id": course.id, "user_id": u.id, "status": "active", "requested_at": now,
             "activated_at": now} for u in users])
        tokens = [start_session(user, "127.0.0.1", "bench") for user in users]
        db.session.commit()
        return {"course": course.id, "lesson": lesson_id, "user_ids": [u.id for u in users],
                "tokens": tokens}


# --- The client --------------------------------------------------------------------------------

@dataclass
class Sample:
    kind: str
    ms: float
    status: int | str  # an HTTP status, or the name of a connection error


class Browser:
    """One trainee's browser: a keep-alive connection, the session cookie, timed requests."""

    def __init__(self, port: int, cookie: str, args, samples: list[Sample]) -> None:
        self.port, self.cookie, self.args, self.samples = port, cookie, args, samples
        self.conn: http.client.HTTPConnection | None = None
        self.retries = 0

    def request(self, kind: str, method: str, path: str, fields=None):
        """(status, Location header, body); status 0 when the connection failed."""
        body = urlencode(fields) if fields is not None else None
        headers = {"Cookie": f"{COOKIE}={self.cookie}", "Accept-Language": "es"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.perf_counter()
        for attempt in (1, 2):
            reused = self.conn is not None
            if not reused:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                                       timeout=self.args.timeout)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as error:
                self.close()
                if reused and attempt == 1:  # the server closed an idle connection: resend
                    self.retries += 1
                    continue
                return self._failed(kind, start, type(error).__name__)
            except (OSError, http.client.HTTPException) as error:
                self.close()
                return self._failed(kind, start, type(error).__name__)
            break
        self.samples.append(Sample(kind, (time.perf_counter() - start) * 1000, response.status))
        self._keep_cookie(response)
        if self.args.fresh_connections or response.will_close:
            self.close()
        return response.status, response.getheader("Location", ""), data.decode("utf-8", "replace")

    def _failed(self, kind: str, start: float, name: str):
        self.samples.append(Sample(kind, (time.perf_counter() - start) * 1000, name))
        return 0, "", ""

    def _keep_cookie(self, response) -> None:
        for header in response.msg.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            if name.strip() == COOKIE:
                self.cookie = rest.split(";", 1)[0]

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


TAG_RE = re.compile(r"<(input|select|option|/select)\b([^>]*)>")
ATTR_RE = re.compile(r'([\w-]+)="([^"]*)"')
FIELD_RE = re.compile(r"^q(\d+)(?:-(\d+))?$")
SEQ_RE = re.compile(r'data-seq="(\d+)"')
WORDS = ["dignidad", "respeto", "  Dignidad ", "proporcionalidad", "intimidad", "ñandú", "otra"]


@dataclass
class Question:
    position: int
    kind: str  # single, multiple, truefalse, shortanswer, numerical, matching
    values: list[str] = field(default_factory=list)  # choice or option values shown
    items: int = 0  # matching: the number of selects

    def answer(self, rng: random.Random) -> list[tuple[str, str]]:
        """Form fields for a random answer, as a browser would send them."""
        name = f"q{self.position}"
        if self.kind in ("single", "truefalse"):
            return [(name, rng.choice(self.values))]
        if self.kind == "multiple":  # sometimes none at all: clearing must be saved too
            return [(name, value) for value in self.values if rng.random() < 0.45]
        if self.kind == "matching":
            return [(f"{name}-{item}", rng.choice(self.values + [""]))
                    for item in range(self.items)]
        if self.kind == "numerical":
            return [(name, rng.choice(["2", "3", "2,5", "-1", "1e1", "0"]))]
        return [(name, rng.choice(WORDS))]


def read_page(html: str) -> tuple[list[tuple[str, str]], int, list[Question]]:
    """The form's hidden fields, its `data-seq` and its questions, from the page's HTML.

    The hidden fields go back with every save, as a browser's FormData sends them (the CSRF
    token, the page, the list of questions shown); `seq` is left out: it is set per save.
    """
    seq = SEQ_RE.search(html)
    hidden: list[tuple[str, str]] = []
    found: dict[int, Question] = {}
    select = None
    for tag, raw in TAG_RE.findall(html):
        attrs = {name: html_.unescape(value) for name, value in ATTR_RE.findall(raw)}
        match = FIELD_RE.match(attrs.get("name", ""))
        if tag == "/select":
            select = None
        elif tag == "option" and select is not None and attrs.get("value"):
            if attrs["value"] not in select.values:
                select.values.append(attrs["value"])
        elif match and tag == "select":
            select = found.setdefault(int(match.group(1)),
                                      Question(int(match.group(1)), "matching"))
            select.items += 1
        elif tag == "input" and attrs.get("type") == "hidden" and attrs.get("name") != "seq":
            hidden.append((attrs.get("name", ""), attrs.get("value", "")))
        elif match and tag == "input":
            question = found.setdefault(int(match.group(1)), Question(int(match.group(1)), ""))
            kind = attrs.get("type")
            if kind == "radio":
                question.kind = "truefalse" if attrs["value"] in ("true", "false") else "single"
                question.values.append(attrs["value"])
            elif kind == "checkbox":
                question.kind = "multiple"
                question.values.append(attrs["value"])
            elif kind == "text":
                question.kind = "numerical" if 'inputmode="decimal"' in raw else "shortanswer"
    return hidden, int(seq.group(1)) if seq else 0, sorted(found.values(), key=lambda q: q.position)


# --- One trainee -------------------------------------------------------------------------------

@dataclass
class Sent:
    fields: list[tuple[str, str]]
    seq: int


@dataclass
class Trainee:
    number: int
    user_id: int
    attempt_id: int | None = None
    sent: dict[int, Sent] = field(default_factory=dict)  # position -> last acknowledged save
    samples: list[Sample] = field(default_factory=list)
    retries: int = 0
    short_saves: int = 0
    double_submitted: bool = False
    stopped: str = ""  # why the scenario stopped early, if it did


class Scenario:
    """Everything one trainee does, with think times between the answers."""

    def __init__(self, trainee: Trainee, cookie: str, ids: dict, args, port: int) -> None:
        self.t, self.ids, self.args, self.port = trainee, ids, args, port
        self.rng = random.Random(args.seed * 100_003 + trainee.number)
        self.browser = Browser(port, cookie, args, trainee.samples)

    def think(self) -> None:
        time.sleep(self.rng.uniform(*self.args.think))

    def run(self) -> None:
        time.sleep(self.args.ramp * self.t.number / max(1, self.args.trainees))
        try:
            if self.start():
                self.answer_pages()
        finally:
            self.t.retries += self.browser.retries
            self.browser.close()

    def stop(self, why: str) -> bool:
        self.t.stopped = self.t.stopped or why
        return False

    def start(self) -> bool:
        quiz = f"/courses/{self.ids['course']}/quizzes/{self.ids['lesson']}"
        status, _, html = self.browser.request("quiz page", "GET", quiz)
        token = CSRF_RE.search(html)
        if status != 200 or not token:
            return self.stop(f"quiz page {status}")
        status, location, _ = self.browser.request("start", "POST", f"{quiz}/start",
                                                   {"csrf_token": token.group(1)})
        found = re.search(r"/attempts/(\d+)$", urlsplit(location).path)
        if status != 302 or not found:
            return self.stop(f"start {status} {location}")
        self.t.attempt_id = int(found.group(1))
        return True

    def answer_pages(self) -> None:
        base = f"/attempts/{self.t.attempt_id}"
        pages = math.ceil(self.args.questions / self.args.per_page)
        for page in range(1, pages + 1):
            status, _, html = self.browser.request("attempt page", "GET", f"{base}?page={page}")
            loaded = time.monotonic()
            form, server_seq, questions = read_page(html)
            if status != 200 or not questions or ("page", str(page)) not in form:
                self.stop(f"attempt page {page}: {status}")
                return
            answers: list[tuple[str, str]] = []
            for _ in range(self.args.autosaves):
                self.think()
                answers = [pair for q in questions for pair in q.answer(self.rng)]
                self.save("autosave", f"{base}/autosave", form, answers, questions, server_seq,
                          loaded)
            self.think()
            if self.rng.random() < 0.5 or not answers:  # a last change before moving on
                answers = [pair for q in questions for pair in q.answer(self.rng)]
            go = str(page + 1) if page < pages else "summary"
            if not self.save("page change", base, form + [("go", go)], answers, questions,
                             server_seq, loaded):
                return
        self.submit(base)

    def save(self, kind, path, form, answers, questions, server_seq, loaded) -> bool:
        seq = server_seq + int((time.monotonic() - loaded) * 1000)  # as quiz.js numbers saves
        status, _, body = self.browser.request(kind, "POST", path,
                                               form + [("seq", str(seq))] + answers)
        if kind == "autosave":  # a failed background save is retried by the next save
            if status != 200:
                return False
            if json.loads(body).get("saved") != len(questions):
                self.t.short_saves += 1
        elif status != 302:
            return self.stop(f"{kind} {status}")
        for question in questions:
            self.t.sent[question.position] = Sent(
                [(name, value) for name, value in answers
                 if FIELD_RE.match(name).group(1) == str(question.position)], seq)
        return True

    def submit(self, base: str) -> None:
        status, _, html = self.browser.request("summary", "GET", f"{base}/summary")
        token = CSRF_RE.search(html)
        if status != 200 or not token:
            self.stop(f"summary {status}")
            return
        self.think()
        fields = {"csrf_token": token.group(1)}
        twin = None
        if self.rng.random() < self.args.double_submit:  # a double click, from a second tab
            self.t.double_submitted = True
            other = Browser(self.port, self.browser.cookie, self.args, self.t.samples)
            twin = threading.Thread(target=other.request,
                                    args=("submit", "POST", f"{base}/submit", fields))
            twin.start()
        status, location, _ = self.browser.request("submit", "POST", f"{base}/submit", fields)
        if twin is not None:
            twin.join()
        if status != 302:
            self.stop(f"submit {status}")
            return
        status, _, _ = self.browser.request("review", "GET", urlsplit(location).path)
        if status != 200:
            self.stop(f"review {status}")


def run_trainees(trainees: list[Trainee], cookies: list[str], ids: dict, args, port: int) -> float:
    """Every trainee at once, one thread each; returns the wall time in seconds."""
    threading.stack_size(512 * 1024)
    threads = [threading.Thread(target=Scenario(t, cookies[t.number], ids, args, port).run,
                                daemon=True) for t in trainees]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    report_at = started + 15
    while alive := [thread for thread in threads if thread.is_alive()]:
        alive[0].join(max(0.1, report_at - time.perf_counter()))
        if time.perf_counter() < report_at:
            continue
        report_at += 15
        samples = [s for t in trainees for s in list(t.samples)]
        failed = sum(s.status not in (200, 302) for s in samples)
        print(f"  {time.perf_counter() - started:3.0f} s: {len(samples)} requests, {failed} "
              f"failed, {len(threads) - len(alive)} trainees done", flush=True)
    return time.perf_counter() - started


def run_baseline(port: int, args) -> tuple[list[Sample], float]:
    """The bare page under the same crowd: as many clients, the same think times and pacing."""
    samples: list[Sample] = []

    def client(number: int) -> None:
        rng = random.Random(args.seed * 7 + number)
        browser = Browser(port, "", args, samples)
        time.sleep(args.ramp * number / max(1, args.trainees))
        for n in range(args.baseline_requests):
            time.sleep(rng.uniform(*args.think))
            if n % 2:
                browser.request("baseline", "POST", "/", [("q1", "2"), ("page", "1")])
            else:
                browser.request("baseline", "GET", "/")
        browser.close()

    threading.stack_size(512 * 1024)
    threads = [threading.Thread(target=client, args=(n,), daemon=True)
               for n in range(args.trainees)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples, time.perf_counter() - started


# --- Checking the database ---------------------------------------------------------------------

@dataclass
class Verdict:
    answers: int = 0
    lost: int = 0
    seq_mismatches: int = 0
    never_saved: int = 0
    attempts_wrong: Counter = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)
    results: int = 0


def verify(app, trainees: list[Trainee], lesson_id: int) -> Verdict:
    """Compare what every trainee last sent with what the database holds."""
    from sqlalchemy.orm import selectinload
    from werkzeug.datastructures import MultiDict

    from academy.extensions import db
    from academy.quizzes import responses
    from academy.quizzes.models import FINISHED, Attempt, QuizResult

    verdict = Verdict()
    ids = [t.user_id for t in trainees]
    with app.test_request_context():
        attempts = defaultdict(list)
        for attempt in db.session.scalars(select(Attempt).where(
                Attempt.lesson_id == lesson_id, Attempt.user_id.in_(ids))
                .options(selectinload(Attempt.slots))):
            attempts[attempt.user_id].append(attempt)
        results = {r.user_id: r for r in db.session.scalars(select(QuizResult).where(
            QuizResult.lesson_id == lesson_id, QuizResult.user_id.in_(ids)))}
        for trainee in trainees:
            found = attempts.get(trainee.user_id, [])
            if len(found) != 1:
                verdict.attempts_wrong[f"{len(found)} attempts"] += 1
                continue
            attempt = found[0]
            if attempt.status != FINISHED or attempt.finished_at is None:
                verdict.attempts_wrong["not finished"] += 1
            elif attempt.fraction is None:
                verdict.attempts_wrong["finished but not graded"] += 1
            result = results.get(trainee.user_id)
            if attempt.status == FINISHED and (result is None or result.attempts != 1):
                verdict.attempts_wrong["quiz result missing or counting several attempts"] += 1
            verdict.results += result is not None
            for slot in attempt.slots:
                verdict.answers += 1
                sent = trainee.sent.get(slot.position)
                if sent is None:
                    verdict.never_saved += 1
                    continue
                items = len(slot.version.spec.get("answers", []))
                wanted = responses.read(slot.version.qtype, slot.choice_order, items,
                                        MultiDict(sent.fields), slot.position)
                if slot.response != wanted:
                    verdict.lost += 1
                    if len(verdict.examples) < 5:
                        verdict.examples.append(
                            f"attempt {attempt.id} q{slot.position} ({slot.version.qtype}): "
                            f"stored {slot.response!r}, last sent {wanted!r} (seq {sent.seq}, "
                            f"stored seq {slot.saved_seq})")
                if slot.saved_seq != sent.seq:
                    verdict.seq_mismatches += 1
    return verdict


# --- SQL statements per request, counted in-process for one more trainee ----------------------

def count_queries(app, ids: dict, questions_per_page: int) -> dict[str, int]:
    """How many SQL statements each request of the journey runs (the probe trainee, alone)."""
    from werkzeug.datastructures import MultiDict

    from academy.extensions import db

    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = ids["tokens"][-1], True
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def listener(_conn, _cursor, statement, *_rest):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", listener)
    counts: dict[str, int] = {}

    def call(name: str, method: str, path: str, data=None):
        statements.clear()
        response = client.open(path, method=method, data=data)
        counts[name] = len(statements)
        return response

    try:
        quiz = f"/courses/{ids['course']}/quizzes/{ids['lesson']}"
        html = call("quiz page", "GET", quiz).get_data(as_text=True)
        response = call("start", "POST", f"{quiz}/start",
                        {"csrf_token": CSRF_RE.search(html).group(1)})
        base = urlsplit(response.headers["Location"]).path
        page = call(f"attempt page ({questions_per_page} questions)", "GET", f"{base}?page=1")
        hidden, seq, questions = read_page(page.get_data(as_text=True))
        answers = [pair for q in questions for pair in q.answer(random.Random(1))]
        form = hidden + [("seq", str(seq + 1))] + answers
        call("autosave", "POST", f"{base}/autosave", MultiDict(form))
        call("page change", "POST", base, MultiDict(form + [("go", "2")]))
        html = call("summary (all questions)", "GET", f"{base}/summary").get_data(as_text=True)
        call("submit", "POST", f"{base}/submit", {"csrf_token": CSRF_RE.search(html).group(1)})
        call("review (all questions)", "GET", f"{base}/review")
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return counts


# --- Machine and PostgreSQL counters -----------------------------------------------------------


def postgres_pids() -> list[int]:
    found = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == "postgres":
                found.append(int(comm.parent.name))
        except OSError:
            continue
    return found


@dataclass
class Counters:
    """CPU and database counters taken before and after the load."""

    url: str
    server: Server

    def take(self) -> dict:
        busy, total = machine_busy()
        taken = {"busy": busy, "total": total, "client": sum(resource.getrusage(
                 resource.RUSAGE_SELF)[:2]), "gunicorn": cpu_seconds(self.server.workers()),
                 "postgres": cpu_seconds(postgres_pids())}
        if self.url.startswith("postgresql"):
            engine = create_engine(self.url)
            with engine.connect() as conn:
                row = conn.execute(text(
                    "SELECT xact_commit, xact_rollback, deadlocks FROM pg_stat_database "
                    "WHERE datname = current_database()")).one()
                taken.update(commits=row[0], rollbacks=row[1], deadlocks=row[2])
                for name, scans in conn.execute(text(
                        "SELECT relname, seq_scan FROM pg_stat_user_tables")):
                    taken[f"seq:{name}"] = scans
            engine.dispose()
        return taken

    def delta(self, before: dict, after: dict) -> dict:
        return {key: after[key] - before.get(key, 0) for key in after}


# --- The report --------------------------------------------------------------------------------


def line(name: str, times: list[float], baseline: tuple[float, float] | None = None,
         with_max: bool = False) -> str:
    if not times:
        return f"{name:<36} no successful request"
    median, p95 = statistics.median(times), percentile(times, 0.95)
    text_ = f"{name:<36} median {median:7.1f} ms   p95 {p95:7.1f} ms"
    if with_max:
        text_ += f"   max {max(times):7.1f} ms"
    if baseline:
        text_ += f"   x{median / baseline[0]:5.1f} / x{p95 / baseline[1]:5.1f} baseline"
    return text_ + f"   (n={len(times)})"


def server_times(access_log: Path) -> dict[str, list[float]]:
    """Server-side durations by kind of request, from gunicorn's access log."""
    kinds = [("autosave", r"POST /attempts/\d+/autosave"), ("page change", r"POST /attempts/\d+$"),
             ("submit", r"POST /attempts/\d+/submit"), ("summary", r"GET /attempts/\d+/summary"),
             ("review", r"GET /attempts/\d+/review"), ("attempt page", r"GET /attempts/\d+$"),
             ("start", r"POST /courses/\d+/quizzes/\d+/start"),
             ("quiz page", r"GET /courses/\d+/quizzes/\d+$"), ("baseline", r"(GET|POST) /$")]
    found: dict[str, list[float]] = defaultdict(list)
    for entry in access_log.read_text().splitlines():
        method, path, _status, micros = (entry.split() + ["", "", "", ""])[:4]
        for kind, pattern in kinds:
            if re.fullmatch(pattern, f"{method} {path}") and micros.isdigit():
                found[kind].append(int(micros) / 1000)
                break
    return found


def report(args, url: str, seeded_in: float, baseline: list[Sample], trainees: list[Trainee],
           load_wall: float, server_ms: dict, usage: dict, verdict: Verdict,
           queries: dict[str, int]) -> None:
    ok = [s.ms for s in baseline if s.status == 200]
    base = (statistics.median(ok), percentile(ok, 0.95)) if ok else (1.0, 1.0)
    samples = [s for t in trainees for s in t.samples]
    by_kind = defaultdict(list)
    for sample in samples:
        if sample.status in (200, 302):
            by_kind[sample.kind].append(sample.ms)
    pages = math.ceil(args.questions / args.per_page)
    worker = f"gthread, keep-alive {args.keep_alive} s" if args.threads > 1 else \
        "sync: one request per connection"
    if args.fresh_connections:
        worker += "; the client opens a connection per request"
    print(f"\nSeeded {args.trainees} trainees and a quiz of {args.questions} questions "
          f"({args.per_page} a page, {pages} pages) in {seeded_in:.0f} s on {url.split(':')[0]}")
    print(f"gunicorn -w {args.workers} --threads {args.threads} ({worker}); think "
          f"{args.think[0]:g}-{args.think[1]:g} s; starts spread over {args.ramp:g} s; "
          f"question versions taken {'before the load' if args.warm else 'by the first starts'}")
    print(line("baseline (bare Flask, same gunicorn)", ok))
    print(line("autosave", by_kind["autosave"], base, with_max=True))
    for kind in ("page change", "attempt page", "start", "quiz page", "summary", "submit",
                 "review"):
        print(line(kind, by_kind[kind], base, with_max=kind == "page change"))
    print("server side (gunicorn access log, from the request read to the response written):")
    for kind in ("baseline", "autosave", "page change", "attempt page", "submit"):
        if server_ms.get(kind):
            print("  " + line(kind, server_ms[kind]))
    errors = Counter((s.kind, s.status) for s in samples if s.status not in (200, 302))
    errors.update(("baseline", s.status) for s in baseline if s.status != 200)
    thinks = pages * (args.autosaves + 1) + 1
    per_trainee = 2 + pages * (args.autosaves + 2) + 3 + args.double_submit
    paced = args.trainees * per_trainee / (thinks * sum(args.think) / 2)  # instant replies
    print(f"throughput: {len(samples)} requests in {load_wall:.1f} s = "
          f"{len(samples) / load_wall:.0f} requests/s "
          f"({len(by_kind['autosave']) + len(by_kind['page change'])} answer saves); the "
          f"trainees' pace asks for about {paced:.0f} requests/s")
    print("errors: " + (", ".join(f"{kind} {status} x{n}" for (kind, status), n in
                                 errors.most_common()) or "none"))
    stopped = Counter(" ".join(t.stopped.split()[:2]) for t in trainees if t.stopped)
    print(f"trainees stopped early: {sum(stopped.values())} {dict(stopped) or ''}; "
          f"stale keep-alive connections resent: {sum(t.retries for t in trainees)}; "
          f"autosaves answering fewer saves than questions: {sum(t.short_saves for t in trainees)}")
    doubles = sum(t.double_submitted for t in trainees)
    print(f"answers checked: {verdict.answers}; lost or different: {verdict.lost}; stored seq "
          f"different from the last sent: {verdict.seq_mismatches}; never acknowledged: "
          f"{verdict.never_saved}")
    for example in verdict.examples:
        print("  " + example)
    wrong = ", ".join(f"{why} x{n}" for why, n in verdict.attempts_wrong.items()) or "none"
    print(f"attempts: {len(trainees) - sum(verdict.attempts_wrong.values())} of {len(trainees)} "
          f"finished once and graded ({doubles} submitted twice at once); problems: {wrong}; "
          f"quiz results: {verdict.results}")
    print("SQL statements per request (one trainee, in-process): " +
          ", ".join(f"{name} {n}" for name, n in queries.items()))
    span = usage["total"] / os.sysconf("SC_CLK_TCK") / (os.cpu_count() or 1)
    print(f"CPU during the load ({span:.0f} s x {os.cpu_count()} cores): machine "
          f"{100 * usage['busy'] / max(1, usage['total']):.0f}% busy; gunicorn workers "
          f"{usage['gunicorn']:.0f} s, load client {usage['client']:.0f} s, postgres processes "
          f"{usage['postgres']:.0f} s")
    if "commits" in usage:
        scans = ", ".join(f"{key[4:]} {n}" for key, n in sorted(usage.items())
                          if key.startswith("seq:") and n)
        print(f"PostgreSQL: {usage['commits']} commits, {usage['rollbacks']} rollbacks, "
              f"{usage['deadlocks']} deadlocks; sequential scans: {scans or 'none'}")
    p95 = percentile(by_kind["autosave"], 0.95) if by_kind["autosave"] else float("inf")
    print(f"target: autosave p95 {p95:.0f} ms {'<' if p95 < 100 else '>='} 100 ms, "
          f"{verdict.lost} lost answers -> "
          f"{'MET' if p95 < 100 and verdict.lost == 0 and not errors else 'NOT MET'}")


# --- Main --------------------------------------------------------------------------------------

def think_range(value: str) -> tuple[float, float]:
    low, _, high = value.partition("-")
    return float(low), float(high or low)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, default=300)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--per-page", type=int, default=5)
    parser.add_argument("--workers", type=int, default=8,
                        help="gunicorn workers (default 8 single-threaded processes: see README)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--think", type=think_range, default=(1.0, 3.0),
                        help="seconds between a trainee's actions, low-high (default 1-3)")
    parser.add_argument("--ramp", type=float, default=10.0,
                        help="seconds over which the trainees press Start (default 10)")
    parser.add_argument("--autosaves", type=int, default=3, help="background saves per page")
    parser.add_argument("--double-submit", type=float, default=0.1,
                        help="share of trainees whose submission is sent twice at once")
    parser.add_argument("--baseline-requests", type=int, default=6,
                        help="requests per simulated client against the bare page")
    parser.add_argument("--keep-alive", type=int, default=None,
                        help="gunicorn --keep-alive in seconds (default: the longest think + 5 s, "
                             "so a browser's connection stays open between its saves)")
    parser.add_argument("--fresh-connections", action="store_true",
                        help="a new connection per request, as behind a proxy without upstream "
                             "keep-alive")
    parser.add_argument("--timeout", type=float, default=60.0, help="client timeout, seconds")
    parser.add_argument("--warm", action="store_true",
                        help="take the questions' frozen versions before the crowd starts (as a "
                             "first attempt would), so only the steady state is measured")
    parser.add_argument("--sqlite", action="store_true", help="an SQLite file instead")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    if args.keep_alive is None:
        args.keep_alive = math.ceil(args.think[1]) + 5
    return args


def gunicorn_options(args) -> GunicornOptions:
    return GunicornOptions(workers=args.workers, threads=args.threads, keep_alive=args.keep_alive)


def main() -> None:
    args = parse_args()
    wall = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="campus-bench-quiz-"))
    base = "sqlite" if args.sqlite else os.environ.get("ACADEMY_BENCH_DATABASE_URL", DEFAULT_BASE)
    url = create_database(base, tmp, BENCH_DATABASE)
    secret = secrets.token_hex(32)
    app = make_app(url, tmp, TESTING=False, SECRET_KEY=secret)
    servers: list[Server] = []
    keep = False
    try:
        upgrade_schema(app)
        started = time.perf_counter()
        ids = seed(app, args.trainees, args.questions, args.per_page, args.warm)
        seeded_in = time.perf_counter() - started
        cookies = [session_cookie(app, token) for token in ids["tokens"]]
        (tmp / "baseline_app.py").write_text(BASELINE_APP)
        env = app_env(url, secret, tmp)
        print(f"Seeded in {seeded_in:.1f} s; bare baseline under the same crowd...", flush=True)
        servers.append(start_server("baseline_app:app", tmp, env, gunicorn_options(args), tmp, "baseline"))
        baseline, _ = run_baseline(servers[-1].port, args)
        servers.pop().stop()
        print(f"{len(baseline)} baseline requests; {args.trainees} trainees take the quiz...",
              flush=True)
        server = start_server("wsgi:app", ROOT, env, gunicorn_options(args), tmp, "campus")
        servers.append(server)
        counters = Counters(url, server)
        before = counters.take()
        trainees = [Trainee(n, ids["user_ids"][n]) for n in range(args.trainees)]
        load_wall = run_trainees(trainees, cookies, ids, args, server.port)
        usage = counters.delta(before, counters.take())
        server.stop()
        servers.pop()
        verdict = verify(app, trainees, ids["lesson"])
        try:
            queries = count_queries(app, ids, args.per_page)
        except Exception as error:  # noqa: BLE001 - a bench reports what it found, and goes on
            queries = {f"probe failed ({type(error).__name__})": 0}
        report(args, url, seeded_in, baseline, trainees, load_wall, server_times(server.access_log)
               | {"baseline": server_times(tmp / "baseline-access.log").get("baseline", [])},
               usage, verdict, queries)
        errors = [entry for entry in server.error_log.read_text().splitlines()
                  if re.match(r"\w+\.\w+(\.\w+)*(Error|Exception|Detected)\b", entry)]
        for error, n in Counter(errors).most_common(5):
            print(f"gunicorn error log: {n} x {error[:200]}")
        if errors:
            keep = True
            print(f"logs kept in {tmp}")
        print(f"wall time: {time.perf_counter() - wall:.0f} s")
    finally:
        for server in servers:
            server.stop()
        with app.app_context():
            from academy.extensions import db

            db.engine.dispose()
        drop_database(url, base, BENCH_DATABASE)
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
