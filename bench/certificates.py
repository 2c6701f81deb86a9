"""Certificates: one certificate end to end, and a bulk job of 1,000 on this machine.

Seeds an academy (with a logo), the Nelson Mandela Rules course from `courses/` (titles in es,
pt, fr, en and it; 11 hours) and trainees with accented names spread over the five languages,
each with a completed enrolment. Then:

1. one certificate, from issuing to holding its PDF bytes, `--runs` times: in-process
   (`operations.issue_certificate` in a request context, commit, read the stored file) and over
   HTTP with Flask's test client (a coordinator posts /certificates/issue for one enrolment,
   follows the job page until it is over, downloads the PDF), next to a bare Flask page
   measured with the same kind of client in the same run;
2. a bulk job of `--trainees` certificates run as production runs it (`runner.create_job`, then
   `runner.run` in an app context: the job handler with its process pool), timing the issuing
   batches and `build_downloads` (zip and merged PDF) apart, with the main process's and the
   worker processes' memory sampled from /proc;
   Meanwhile another transaction reserves a serial every 0.5 s and rolls back: its wait is
   what any other issuer waits while the job runs. Afterwards, the job page and both downloads
   through the test client;
3. checks: as many certificates as enrolments, distinct serials and codes, every stored PDF's
   SHA-256 and size as recorded, the trainee's name (accents included) and serial extracted by
   pypdf from a sample, the zip's and the merged PDF's counts;
4. renderer probes, each in a fresh process on the same documents: as configured, without
   HarfBuzz's subsetter (WeasyPrint's fontTools fallback) and with a new FontConfiguration per
   PDF (WeasyPrint's default).

Target: 1,000 certificates in under a minute on this 2-core machine.
"""
from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import os
import pstats
import re
import resource
import shutil
import statistics
import sys
import tempfile
import threading
import time
import unicodedata
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, func, insert, select  # noqa: E402

from bench.databases import DEFAULT_BASE, create_database, drop_database  # noqa: E402
from bench.measures import cpu_seconds, machine_busy, percentile  # noqa: E402
from tests.support import CSRF_RE, make_app, upgrade_schema  # noqa: E402

BENCH_DATABASE = "campus_bench_certificates"
COURSE_DIR = ROOT / "courses" / "mandela-rules-in-practice"
PUBLIC_URL = "https://campus.example.org"
LOCALES = ("es", "pt", "fr", "en", "it")
WARMUP = 2  # unmeasured certificates before each single-certificate series

# First names and two surnames per language, combined into names no ASCII folding leaves intact.
NAMES = {
    "es": (["María José", "Íñigo", "Begoña", "Jesús", "Ángela", "Óscar", "Lucía", "Ramón"],
           ["Núñez", "Peña", "Ibáñez", "Muñoz", "Sáez", "Echevarría", "Gómez", "Ordóñez"]),
    "pt": (["João", "Conceição", "Gonçalo", "Inês", "Sebastião", "Graça", "Tomás", "Lúcia"],
           ["Araújo", "Gonçalves", "Simões", "Magalhães", "Brandão", "Leitão", "Guimarães",
            "Fontes"]),
    "fr": (["Françoise", "Hélène", "Jérôme", "Agnès", "Noël", "Loïc", "Anaïs", "Benoît"],
           ["Lefèvre", "Dupré", "Bénard", "Lagardère", "Besançon", "Rivière", "Thérond",
            "Mézières"]),
    "en": (["Zoë", "Chloë", "Renée", "Siobhán", "Seán", "Eoin", "Aoife", "Noël"],
           ["O'Brien", "Brontë", "Ó Súilleabháin", "Mac Giolla", "Åkesson", "Doyle", "Ní Bhriain",
            "Fitzgerald"]),
    "it": (["Niccolò", "Lucrezia", "Mattia", "Tommaso", "Gaia", "Nicolò", "Ludovica", "Elia"],
           ["Forlì", "D'Annunzio", "Cantù", "Mastroianni", "Sciascia", "Santangelo", "Pellegrini",
            "Caccamo"]),
}


def trainee_name(n: int) -> tuple[str, str]:
    """(locale, display name) of the n-th trainee: the five languages in turn."""
    locale = LOCALES[n % len(LOCALES)]
    first, last = NAMES[locale]
    k = n // len(LOCALES)
    # Two different surnames: the second is 1 to 7 places after the first.
    return locale, f"{first[k % 8]} {last[(k // 8) % 8]} {last[(k // 8 + 1 + k % 7) % 8]}"


# --- The database ------------------------------------------------------------------------------

def logo_png() -> bytes:
    """An academy logo as an admin would upload one: a 600 x 240 PNG with some drawing."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 240), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, 230, 230), outline=(31, 61, 107), width=12)
    draw.polygon([(120, 40), (200, 200), (40, 200)], fill=(176, 141, 43))
    for row in range(6):
        draw.rectangle((260, 40 + row * 30, 580 - row * 40, 56 + row * 30), fill=(31, 61, 107))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@dataclass
class Seeded:
    course_id: int
    coordinator_id: int
    token: str  # the coordinator's session
    bulk: list[int]  # enrolment ids for the bulk job
    direct: list[int]  # for the in-process single certificates
    http: list[int]  # for the single certificates over HTTP


def seed(app, args) -> Seeded:
    """The academy, its certificate template, the course, a coordinator and the trainees."""
    from academy.academies.models import Membership
    from academy.academies.operations import create_academy
    from academy.accounts.models import User
    from academy.accounts.operations import create_user, start_session
    from academy.accounts.passwords import hash_password
    from academy.certificates import operations as certificate_ops
    from academy.curricula import operations as course_ops
    from academy.packages import operations as package_ops
    from academy.packages.archive import read_folder
    from academy.db import utcnow
    from academy.enrolment.models import Enrolment
    from academy.extensions import db
    from academy.i18n import sort_key
    from academy.quizzes import queries as quiz_queries
    from academy.quizzes.models import QuizResult

    now = utcnow()
    singles = args.runs + WARMUP
    total = args.trainees + 2 * singles
    with app.test_request_context():
        academy = create_academy(
            slug="bench-certificates", country="ES", default_locale="es", logo=logo_png(),
            names={"es": "Centro de Estudios Penitenciarios de Ávila",
                   "pt": "Centro de Estudos Penitenciários de Ávila",
                   "fr": "Centre d'études pénitentiaires d'Ávila",
                   "en": "Ávila Centre for Prison Studies",
                   "it": "Centro di studi penitenziari di Ávila"})
        coordinator, _ = create_user(username="bench.coordinator", display_name="Coordinación",
                                     network_roles=["coordinator"],
                                     password="bench password 1")
        certificate_ops.save_template(
            academy, actor_id=coordinator.id, page_size="a4-landscape", accent="#1f3d6b",
            is_bilingual=False, texts={}, extra_css="",
            signatures=[{"name": "Dña. Concepción Ibáñez Peña", "title": "Directora del Centro",
                         "image": None},
                        {"name": "D. Joaquín Muñoz Sáez", "title": "Jefe de Estudios",
                         "image": None}])
        course = package_ops.import_package(read_folder(COURSE_DIR), academy=academy)
        course_ops.publish_course(course)
        certificate_ops.save_policy(course, issuance="approval", min_grade=50,
                                    validity_months=36, shows_grade=True,
                                    actor_id=coordinator.id)
        quizzes = [quiz.id for quiz in quiz_queries.quizzes_of(course.id)]
        secret = hash_password("bench password 1")  # nobody signs in with it
        people = []
        for n in range(total):
            locale, name = trainee_name(n)
            people.append({"username": f"cert{n:06d}", "display_name": name,
                           "sort_name": sort_key(name), "locale": locale,
                           "academy_id": academy.id, "password_hash": secret,
                           "is_active": True, "must_change_password": False, "created_at": now})
        for start in range(0, total, 5000):
            db.session.execute(insert(User), people[start:start + 5000])
        user_ids = list(db.session.scalars(select(User.id).where(
            User.username.like("cert%")).order_by(User.id)))
        db.session.execute(insert(Membership), [
            {"user_id": uid, "academy_id": academy.id, "role": "trainee", "created_at": now}
            for uid in user_ids])
        db.session.execute(insert(Enrolment), [
            {"course_id": course.id, "user_id": uid, "status": "completed",
             "requested_at": now - timedelta(days=60), "activated_at": now - timedelta(days=60),
             "completed_at": now - timedelta(days=n % 30 + 1)}
            for n, uid in enumerate(user_ids)])
        # Everyone passed the course's quizzes: the course grade (their mean) is printed.
        db.session.execute(insert(QuizResult), [
            {"lesson_id": quiz, "user_id": uid, "course_id": course.id,
             "fraction": 0.55 + ((n * 7 + k * 3) % 45) / 100, "is_passed": True, "attempts": 1,
             "updated_at": now} for n, uid in enumerate(user_ids)
            for k, quiz in enumerate(quizzes)])
        enrolments = list(db.session.scalars(select(Enrolment.id).where(
            Enrolment.course_id == course.id).order_by(Enrolment.user_id)))
        token = start_session(coordinator, "127.0.0.1", "bench")
        seeded = Seeded(course.id, coordinator.id, token, enrolments[:args.trainees],
                        enrolments[args.trainees:args.trainees + singles],
                        enrolments[args.trainees + singles:])
        db.session.commit()
    return seeded


# --- Measuring ---------------------------------------------------------------------------------

def now() -> float:
    return time.perf_counter()


def proc_status(pid: int | str) -> dict[str, int]:
    """VmRSS, VmHWM, ... of a process in KiB (empty once it has gone)."""
    found = {}
    try:
        for entry in Path(f"/proc/{pid}/status").read_text().splitlines():
            if entry.startswith("Vm"):
                key, _, value = entry.partition(":")
                found[key] = int(value.split()[0])
    except (OSError, ValueError):
        return {}
    return found


def children() -> list[int]:
    """This process's worker processes (multiprocessing's resource tracker left out)."""
    me, found = os.getpid(), []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) != me:
                continue
            command = (stat.parent / "cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            continue
        if b"resource_tracker" not in command:
            found.append(int(stat.parent.name))
    return found


def reset_peak_rss() -> bool:
    """Make VmHWM start again from the current RSS (Linux 4.0+: clear_refs 5)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def postgres_cpu() -> dict[int, float]:
    """CPU seconds of every PostgreSQL process of this machine, by pid."""
    found = {}
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == "postgres":
                pid = int(comm.parent.name)
                found[pid] = cpu_seconds([pid])
        except OSError:
            continue
    return found


def bench_backends(app) -> list[int]:
    """The PostgreSQL backends serving the bench's database (none on SQLite)."""
    from sqlalchemy import text

    from academy.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            return []
        with db.engine.connect() as conn:
            return list(conn.execute(text("SELECT pid FROM pg_stat_activity "
                                          "WHERE datname = current_database()")).scalars())


class MemorySampler(threading.Thread):
    """RSS of this process and of its workers every `interval` seconds, and their VmHWM."""

    def __init__(self, interval: float = 0.2) -> None:
        super().__init__(daemon=True, name="bench-memory")
        self.interval, self.stopped = interval, threading.Event()
        self.samples: list[tuple[float, int, int]] = []  # (time, pid, RSS KiB)
        self.peaks: dict[int, int] = {}  # pid: last VmHWM seen

    def run(self) -> None:
        while not self.stopped.is_set():
            self.take()
            self.stopped.wait(self.interval)
        self.take()

    def take(self) -> None:
        moment = now()
        for pid in [os.getpid(), *children()]:
            status = proc_status(pid)
            if status:
                self.samples.append((moment, pid, status.get("VmRSS", 0)))
                self.peaks[pid] = max(self.peaks.get(pid, 0), status.get("VmHWM", 0))

    def stop(self) -> None:
        self.stopped.set()
        self.join()

    def series(self, pid: int) -> list[tuple[float, int]]:
        return [(moment, rss) for moment, who, rss in self.samples if who == pid]


@dataclass
class Series:
    """Durations in ms of one kind of measure."""

    name: str
    ms: list[float] = field(default_factory=list)

    def row(self, baseline: Series | None = None) -> str:
        if not self.ms:
            return f"| {self.name} | - | - | - | - |"
        median, p95 = statistics.median(self.ms), percentile(self.ms, 0.95)
        ratio = (f"x{median / statistics.median(baseline.ms):,.0f} / "
                 f"x{p95 / percentile(baseline.ms, 0.95):,.0f}") if baseline else ""
        return f"| {self.name} | {median:,.1f} | {p95:,.1f} | {ratio} | {len(self.ms)} |"


@contextmanager
def timing_renders(into: list[float]):
    """Time every `rendering.render_pdf` call made in this process (restored afterwards)."""
    from academy.certificates import rendering

    original = rendering.render_pdf

    def timed(*args, **kwargs):
        started = now()
        try:
            return original(*args, **kwargs)
        finally:
            into.append((now() - started) * 1000)

    rendering.render_pdf = timed
    try:
        yield
    finally:
        rendering.render_pdf = original


@contextmanager
def counting_statements(app, into: list[int]):
    """Count the SQL statements this process sends (an executemany counts once)."""
    from academy.extensions import db

    with app.app_context():
        engine = db.engine

    def record(*_args):
        into[0] += 1

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", record)


# --- One certificate ---------------------------------------------------------------------------

def single_in_process(app, seeded: Seeded, renders: list[float]) -> tuple[Series, list[int]]:
    """issue_certificate in a request context, commit, read the PDF: ms per certificate."""
    from academy import storage
    from academy.certificates import operations
    from academy.enrolment.models import Enrolment
    from academy.extensions import db

    series, made = Series("in-process: issue_certificate + commit + read the PDF"), []
    with timing_renders(renders):
        for n, enrolment_id in enumerate(seeded.direct):
            started = now()
            with app.test_request_context(base_url=PUBLIC_URL):
                enrolment = db.session.get(Enrolment, enrolment_id)
                certificate = operations.issue_certificate(
                    enrolment, actor_id=seeded.coordinator_id, base_url=PUBLIC_URL)
                db.session.commit()
                pdf = storage.stored_path(operations.PDF_KIND, certificate.pdf_sha256,
                                          ".pdf").read_bytes()
                made.append(certificate.id)
                db.session.remove()
            elapsed = (now() - started) * 1000
            if not pdf.startswith(b"%PDF-"):
                sys.exit(f"certificate {certificate.id}: not a PDF")
            if n >= WARMUP:
                series.ms.append(elapsed)
    del renders[:WARMUP]
    return series, made


@dataclass
class HttpRuns:
    total: Series
    post: Series
    poll: Series
    download: Series
    job: Series  # the job's own time, started_at to finished_at
    polls: list[int] = field(default_factory=list)


def single_over_http(app, seeded: Seeded, poll_every: float) -> HttpRuns:
    """A coordinator issues to one trainee through the pages and downloads the PDF."""
    from academy.extensions import db
    from academy.jobs.models import Job

    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = seeded.token
        session["_fresh"] = True
    page = client.get("/certificates/eligible")
    if page.status_code != 200:
        sys.exit(f"GET /certificates/eligible: {page.status_code}")
    token = CSRF_RE.search(page.get_data(as_text=True)).group(1)
    runs = HttpRuns(Series("HTTP: POST issue, job page until over, GET the PDF"),
                    Series("  POST /certificates/issue (creates and starts the job)"),
                    Series("  GET job page (each poll)"), Series("  GET /certificates/<id>/pdf"),
                    Series("  the job itself (started_at to finished_at)"))
    for n, enrolment_id in enumerate(seeded.http):
        measured = n >= WARMUP
        started = now()
        response = client.post("/certificates/issue",
                               data={"enrolments": [str(enrolment_id)], "csrf_token": token})
        posted = now()
        location = response.headers.get("Location", "")
        if response.status_code != 302 or "/certificates/jobs/" not in location:
            sys.exit(f"POST /certificates/issue: {response.status_code} {location}")
        polls, certificate_id = 0, None
        while certificate_id is None:
            asked = now()
            html = client.get(location).get_data(as_text=True)
            polls += 1
            if measured:
                runs.poll.ms.append((now() - asked) * 1000)
            if 'http-equiv="refresh"' not in html:
                found = re.search(r'href="/certificates/(\d+)"', html)
                if not found:
                    sys.exit(f"job {location} over without a certificate:\n{html[-2000:]}")
                certificate_id = int(found.group(1))
            elif now() - started > 120:
                sys.exit(f"job {location} not over after 120 s")
            else:
                time.sleep(poll_every)
        fetched = now()
        pdf = client.get(f"/certificates/{certificate_id}/pdf")
        done = now()
        if pdf.status_code != 200 or not pdf.data.startswith(b"%PDF-"):
            sys.exit(f"GET /certificates/{certificate_id}/pdf: {pdf.status_code}")
        if measured:
            runs.total.ms.append((done - started) * 1000)
            runs.post.ms.append((posted - started) * 1000)
            runs.download.ms.append((done - fetched) * 1000)
            runs.polls.append(polls)
            with app.app_context():
                job = db.session.get(Job, location.rstrip("/").rsplit("/", 1)[1])
                runs.job.ms.append((job.finished_at - job.started_at).total_seconds() * 1000)
                db.session.remove()
    return runs


def baseline_series(runs: int) -> Series:
    """A bare Flask page through the same kind of test client."""
    from flask import Flask

    bare = Flask("baseline")
    bare.add_url_rule("/", "hello", lambda: "<!doctype html><title>x</title><p>hello</p>")
    client = bare.test_client()
    series = Series("baseline: bare Flask page, same test client")
    for n in range(runs + 20):
        started = now()
        client.get("/")
        if n >= 20:
            series.ms.append((now() - started) * 1000)
    return series


# --- The bulk job ------------------------------------------------------------------------------

class SerialLockProbe(threading.Thread):
    """What another issuer meanwhile waits for the serial counter: every `interval` seconds,
    reserve a serial in a transaction of its own, then roll it back (nothing is kept)."""

    def __init__(self, app, interval: float = 0.5) -> None:
        super().__init__(daemon=True, name="bench-serial-lock")
        self.app, self.interval, self.stopped = app, interval, threading.Event()
        self.waits: list[float] = []
        self.failures: list[tuple[float, str]] = []  # (ms waited, error)

    def run(self) -> None:
        from academy.certificates import serials
        from academy.db import utcnow
        from academy.extensions import db

        while not self.stopped.wait(self.interval):
            started = now()
            with self.app.app_context():
                try:
                    serials.next_serials(utcnow().year)
                except Exception as error:  # noqa: BLE001 - SQLite: "database is locked"
                    self.failures.append(((now() - started) * 1000,
                                          f"{type(error).__name__}: {str(error).splitlines()[0]}"))
                    continue
                finally:
                    db.session.rollback()
                    db.session.remove()
            self.waits.append((now() - started) * 1000)

    def stop(self) -> None:
        self.stopped.set()
        self.join()


@dataclass
class Batch:
    start: float  # drafting starts
    render_start: float = 0.0  # drafted and handed to the renderers
    render_end: float = 0.0  # its PDFs are back (the job drafted the next batch meanwhile)
    end: float = 0.0  # kept
    issued: int = 0
    waited: float = 0.0  # how long the job waited for its PDFs, doing nothing else


@dataclass
class BulkRun:
    job_id: str
    status: str
    error: str | None
    result: dict
    workers: int
    issuing_s: float
    downloads_s: float
    total_s: float
    batches: list[Batch]
    statements: int
    download_statements: int
    main_peak_kib: int
    main_start_kib: int
    main_end_kib: int
    main_before_downloads_kib: int
    peak_was_reset: bool
    worker_rss: dict[int, tuple[int, int, int]]  # pid: (after the first batch, last, VmHWM)
    cpu: dict[str, float]
    lock_waits: list[float]
    lock_failures: list[tuple[float, str]]


def run_bulk(app, seeded: Seeded, profile: str | None, lock_probe: bool) -> BulkRun:
    """The bulk job as production runs it: create_job, commit, runner.run in an app context."""
    from academy.certificates import bulk
    from academy.extensions import db
    from academy.jobs import runner
    from academy.jobs.models import Job

    batches: list[Batch] = []
    marks: dict[str, float] = {}
    draft_batch, keep_batch, build_downloads = bulk._draft, bulk._keep, bulk.build_downloads
    drafting: list[Batch] = []

    # The job drafts a batch, hands it to the renderers, then keeps the batch before it while
    # this one is drawn: time each step where it happens.
    def timed_draft(job_id, payload, enrolment_ids):
        batch = Batch(now())
        drafts = draft_batch(job_id, payload, enrolment_ids)
        batch.render_start = now()
        drafting.append(batch)
        return drafts

    def timed_keep(job_id, payload, waiting):
        batch = drafting[len(batches)]
        wait_from = now()
        pdfs = waiting.pdfs() if waiting.drafts else []
        batch.waited, batch.render_end = now() - wait_from, now()
        waiting.pdfs = lambda: pdfs
        made = keep_batch(job_id, payload, waiting)
        batch.end, batch.issued = now(), made
        batches.append(batch)
        return made

    def timed_build_downloads(job_id, *args):
        marks["downloads"] = now()
        marks["statements_before_downloads"] = statements[0]
        try:
            return build_downloads(job_id, *args)
        finally:
            marks["downloads_end"] = now()

    with app.app_context():
        job = runner.create_job(bulk.KIND, owner_id=seeded.coordinator_id,
                                total=len(seeded.bulk),
                                payload={"enrolment_ids": seeded.bulk,
                                         "actor_id": seeded.coordinator_id,
                                         "base_url": PUBLIC_URL})
        db.session.commit()
        job_id = job.id
        workers = bulk.workers()
        processes = max(1, min(workers, len(seeded.bulk) // bulk.POOL_THRESHOLD))
        db.session.remove()
    statements = [0]
    sampler = MemorySampler()
    lock_probe = SerialLockProbe(app) if lock_probe else None
    bulk._draft, bulk._keep, bulk.build_downloads = timed_draft, timed_keep, \
        timed_build_downloads
    profiler = cProfile.Profile() if profile else None
    try:
        with counting_statements(app, statements):
            main_start = proc_status("self").get("VmRSS", 0)
            peak_was_reset = reset_peak_rss()
            busy_before, cpu_self = machine_busy(), resource.getrusage(resource.RUSAGE_SELF)
            cpu_children = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu_postgres = postgres_cpu()
            sampler.start()
            if lock_probe:
                lock_probe.start()
            started = now()
            with app.app_context():
                try:
                    if profiler:
                        profiler.enable()
                    runner.run(job_id)
                finally:
                    if profiler:
                        profiler.disable()
                    db.session.remove()
            ended = now()
            sampler.stop()
            if lock_probe:
                lock_probe.stop()
            busy_after = machine_busy()
    finally:
        bulk._draft, bulk._keep, bulk.build_downloads = draft_batch, keep_batch, \
            build_downloads
    main_peak = proc_status("self").get("VmHWM", 0)
    after_self = resource.getrusage(resource.RUSAGE_SELF)
    after_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = {"main": (after_self.ru_utime + after_self.ru_stime)
           - (cpu_self.ru_utime + cpu_self.ru_stime),
           "workers": (after_children.ru_utime + after_children.ru_stime)
           - (cpu_children.ru_utime + cpu_children.ru_stime),
           # The backends of the bench's database (pooled, so still there at the end).
           "postgres": sum(cpu_seconds([pid]) - cpu_postgres.get(pid, 0.0)
                           for pid in bench_backends(app)),
           "machine_busy": ((busy_after[0] - busy_before[0])
                            / max(1, busy_after[1] - busy_before[1])),
           "wall": ended - started}
    # Everything else the machine did meanwhile (other people's work on a shared machine).
    cpu["others"] = max(0.0, (busy_after[0] - busy_before[0]) / os.sysconf("SC_CLK_TCK")
                        - cpu["main"] - cpu["workers"] - cpu["postgres"])
    if profiler:
        profiler.dump_stats(profile)
    first_batch_end = batches[0].end if batches else started
    worker_rss = {}
    for pid in {who for _t, who, _r in sampler.samples if who != os.getpid()}:
        series = sampler.series(pid)
        after_first = next((rss for moment, rss in series if moment >= first_batch_end),
                           series[-1][1])
        worker_rss[pid] = (after_first, series[-1][1], sampler.peaks.get(pid, 0))
    main_series = sampler.series(os.getpid())
    downloads_from = marks.get("downloads", ended)
    main_before_downloads = next((rss for moment, rss in reversed(main_series)
                                  if moment <= downloads_from), 0)
    with app.app_context():
        job = db.session.get(Job, job_id)
        status, error, result = job.status, job.error, dict(job.result or {})
        db.session.remove()
    downloads_at = marks.get("downloads", ended)
    return BulkRun(
        job_id=job_id, status=status, error=error, result=result, workers=processes,
        issuing_s=downloads_at - started,
        downloads_s=marks.get("downloads_end", ended) - downloads_at, total_s=ended - started,
        batches=batches, statements=int(marks.get("statements_before_downloads", statements[0])),
        download_statements=statements[0] - int(marks.get("statements_before_downloads",
                                                          statements[0])),
        main_peak_kib=main_peak, main_start_kib=main_start,
        main_end_kib=main_series[-1][1] if main_series else 0,
        main_before_downloads_kib=main_before_downloads, peak_was_reset=peak_was_reset,
        worker_rss=worker_rss, cpu=cpu, lock_waits=lock_probe.waits if lock_probe else [],
        lock_failures=lock_probe.failures if lock_probe else [])


def bulk_pages(app, seeded: Seeded, job_id: str, runs: int = 5) -> list[Series]:
    """The coordinator's pages once the job is over: the job page (a row per certificate) and
    the two downloads, through the test client."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = seeded.token
        session["_fresh"] = True
    found = []
    for name, path in ((f"GET job page once over ({len(seeded.bulk):,} rows)",
                        f"/certificates/jobs/{job_id}"),
                       ("GET the zip", f"/certificates/jobs/{job_id}/certificates.zip"),
                       ("GET the merged PDF", f"/certificates/jobs/{job_id}/certificates.pdf")):
        series = Series(name)
        for _ in range(runs):
            started = now()
            response = client.get(path)
            response.get_data()
            series.ms.append((now() - started) * 1000)
            if response.status_code != 200:
                sys.exit(f"GET {path}: {response.status_code}")
        found.append(series)
    return found


# --- Checks ------------------------------------------------------------------------------------

def flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


@dataclass
class Verdict:
    certificates: int = 0
    distinct_serials: int = 0
    distinct_codes: int = 0
    hash_mismatches: int = 0
    missing_files: int = 0
    sizes: list[int] = field(default_factory=list)
    sample: list[str] = field(default_factory=list)  # one line per sampled certificate
    sample_failures: int = 0
    zip_entries: int = 0
    zip_size: int = 0
    merged_pages: int = 0
    merged_size: int = 0
    audit_events: int = 0
    problems: list[str] = field(default_factory=list)


def verify(app, run: BulkRun, expected: int, sample_size: int) -> Verdict:
    from pypdf import PdfReader

    from academy import storage
    from academy.audit.models import AuditEvent
    from academy.certificates import bulk, operations, queries
    from academy.extensions import db

    verdict = Verdict()
    with app.app_context():
        certificates = queries.of_job(run.job_id)
        verdict.certificates = len(certificates)
        verdict.distinct_serials = len({c.serial for c in certificates})
        verdict.distinct_codes = len({c.code for c in certificates})
        verdict.audit_events = db.session.scalar(select(func.count()).select_from(AuditEvent)
                                                 .where(AuditEvent.action == "certificate.issue",
                                                        AuditEvent.target_id.in_(
                                                            [c.id for c in certificates])))
        by_locale: dict[str, list] = {}
        for certificate in certificates:
            path = storage.stored_path(operations.PDF_KIND, certificate.pdf_sha256, ".pdf")
            if path is None:
                verdict.missing_files += 1
                continue
            data = path.read_bytes()
            verdict.sizes.append(len(data))
            if hashlib.sha256(data).hexdigest() != certificate.pdf_sha256 \
                    or len(data) != certificate.pdf_size:
                verdict.hash_mismatches += 1
            by_locale.setdefault(certificate.locale, []).append((certificate, data))
        chosen = []
        while len(chosen) < min(sample_size, verdict.certificates - verdict.missing_files):
            for locale in LOCALES:
                if by_locale.get(locale) and len(chosen) < sample_size:
                    chosen.append(by_locale[locale].pop(len(by_locale[locale]) // 2))
        for certificate, data in chosen:
            reader = PdfReader(io.BytesIO(data))
            text = flat(reader.pages[0].extract_text())
            xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()  # inflated
            metadata = b'pdfaid:part="3"' in xmp and b'pdfaid:conformance="B"' in xmp
            ok = (flat(certificate.name) in text and certificate.serial in text
                  and len(reader.pages) == 1 and metadata)
            verdict.sample_failures += not ok
            verdict.sample.append(f"{certificate.serial} [{certificate.locale}] "
                                  f"{certificate.name!r}: {'found' if ok else 'NOT FOUND'} in "
                                  f"{len(reader.pages)} page(s) of {len(data):,} B; XMP says "
                                  f"{'PDF/A-3B' if metadata else 'NOT PDF/A-3B'}")
            if not ok:
                verdict.sample.append(f"    extracted: {text[:300]!r}")
        for kind in ("zip", "pdf"):
            path = storage.stored_path(bulk.DOWNLOADS, run.result.get(kind), f".{kind}")
            if path is None:
                verdict.problems.append(f"no {kind} download")
                continue
            if kind == "zip":
                verdict.zip_size = path.stat().st_size
                with zipfile.ZipFile(path) as bundle:
                    names = bundle.namelist()
                    verdict.zip_entries = len(set(names))
                    if len(names) != len(set(names)):
                        verdict.problems.append("the zip repeats file names")
            else:
                verdict.merged_size = path.stat().st_size
                verdict.merged_pages = len(PdfReader(path).pages)
        db.session.remove()
    if verdict.certificates != expected:
        verdict.problems.append(f"{verdict.certificates} certificates for {expected} enrolments")
    if verdict.distinct_serials != verdict.certificates:
        verdict.problems.append("serials repeat")
    if verdict.distinct_codes != verdict.certificates:
        verdict.problems.append("codes repeat")
    if verdict.hash_mismatches or verdict.missing_files:
        verdict.problems.append(f"{verdict.hash_mismatches} PDFs differ from their hash, "
                                f"{verdict.missing_files} missing")
    if verdict.sample_failures:
        verdict.problems.append(f"{verdict.sample_failures} sampled PDFs without the name, the "
                                f"serial, one page or the PDF/A-3B identification")
    if verdict.zip_entries != verdict.certificates:
        verdict.problems.append(f"the zip holds {verdict.zip_entries} files")
    if verdict.merged_pages != verdict.certificates:
        verdict.problems.append(f"the merged PDF has {verdict.merged_pages} pages")
    if verdict.audit_events != verdict.certificates:
        verdict.problems.append(f"{verdict.audit_events} audit events")
    return verdict


# --- Renderer probes (each in a fresh process) --------------------------------------------------

_PROBE: dict = {}


def probe_start(mode: str, roots: tuple[str, ...]) -> None:
    """Set a fresh probe process up to render the way `mode` says."""
    import warnings

    from academy.certificates import rendering, weasyprint_pdf

    if mode == "no-harfbuzz":
        import weasyprint.pdf.fonts

        weasyprint.pdf.fonts.harfbuzz_subset = None  # WeasyPrint falls back to fontTools
    if mode == "fresh-fonts":  # WeasyPrint's default: a new FontConfiguration per document
        from weasyprint import CSS, HTML

        def render(html, css):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ResourceWarning)
                fetcher = weasyprint_pdf.AppFilesFetcher(roots)
                return HTML(string=html, url_fetcher=fetcher,
                            base_url=f"file://{roots[0]}/").write_pdf(
                    stylesheets=[CSS(string=css, url_fetcher=fetcher)],
                    pdf_variant=rendering.PDF_VARIANT)
    else:
        def render(html, css):
            return rendering.render_pdf(html, css, roots)
    _PROBE["render"] = render


def probe_render(items: list[tuple[str, str]]) -> dict:
    """Render `items` in the probe process: ms and size of each, and its RSS afterwards."""
    times, sizes = [], []
    for html, css in items:
        started = now()
        sizes.append(len(_PROBE["render"](html, css)))
        times.append((now() - started) * 1000)
    status = proc_status("self")
    return {"ms": times, "sizes": sizes, "rss": status.get("VmRSS", 0)}


def run_probes(app, certificate_ids: list[int], count: int) -> list[dict]:
    """The same documents rendered by three fresh processes, one way each, taking turns five
    PDFs at a time so that what else the machine does weighs on all three alike."""
    from multiprocessing import get_context

    from academy.certificates import documents, operations
    from academy.certificates.models import Certificate
    from academy.curricula.models import Course
    from academy.extensions import db

    with app.test_request_context():
        items = []
        for certificate_id in certificate_ids:
            certificate = db.session.get(Certificate, certificate_id)
            items.append(operations.document_of(certificate, db.session.get(
                Course, certificate.course_id), PUBLIC_URL))
        roots = documents.file_roots()
        db.session.remove()
    items = (items * (count // max(1, len(items)) + 1))[:count]
    modes = ("as configured", "no-harfbuzz", "fresh-fonts")
    context = get_context("spawn")
    pools = [context.Pool(1, initializer=probe_start, initargs=(mode, roots)) for mode in modes]
    try:
        results = []
        for pool, mode in zip(pools, modes):
            first = pool.apply(probe_render, (items[:1],))  # fonts found, stylesheet parsed
            results.append({"mode": mode, "ms": [], "sizes": [], "rss_first": first["rss"]})
        for start in range(0, len(items), 5):
            for pool, result in zip(pools, results):
                found = pool.apply(probe_render, (items[start:start + 5],))
                result["ms"] += found["ms"]
                result["sizes"] += found["sizes"]
                result["rss_end"] = found["rss"]
    finally:
        for pool in pools:
            pool.close()
            pool.join()
    for result in results:
        result["size"] = statistics.mean(result["sizes"])
    return results


# --- The report --------------------------------------------------------------------------------

def mib(kib: int) -> str:
    return f"{kib / 1024:,.0f} MiB"


def row(label: str, value: str) -> str:
    return f"| {label} | {value} |"


def report(args, url: str, seeded_in: float, baseline: Series, direct: Series,
           direct_renders: list[float], http: HttpRuns | None, run: BulkRun, verdict: Verdict,
           pages: list[Series], probes: list[dict]) -> list[str]:
    from academy.certificates.rendering import has_fast_subsetter

    cores = os.cpu_count() or 1
    renderers = (f"{run.workers} render processes" if run.workers > 1
                 else "1 render process (in the job process, no pool)")
    title = (f"## Certificates benchmark ({url.split(':')[0]}, {cores} cores, "
             f"{len(run.batches)} batches, {renderers})")
    seeded = (f"Seeded {args.trainees + 2 * (args.runs + WARMUP):,} trainees with completed "
              f"enrolments in {seeded_in:.1f} s; HarfBuzz subsetter "
              f"{'present' if has_fast_subsetter() else 'MISSING'}.")
    lines = [title, "", seeded, "",
             "### One certificate, request to PDF bytes", "",
             "| measure | median ms | p95 ms | x baseline (median / p95) | n |",
             "|---|---:|---:|---:|---:|",
             baseline.row(), direct.row(baseline),
             Series("  of which render_pdf (WeasyPrint)", direct_renders).row()]
    if http:
        polls = (f"Job pages polled every {args.poll * 1000:.0f} ms: "
                 f"{statistics.median(http.polls):.0f} polls per certificate (median).")
        lines += [http.total.row(baseline), http.post.row(), http.poll.row(),
                  http.download.row(), http.job.row(), "", polls]

    issued = sum(b.issued for b in run.batches)
    renders = [b.render_end - b.render_start for b in run.batches if b.render_end]
    drafts = [b.render_start - b.start for b in run.batches if b.render_start]
    finishes = [b.end - b.render_end for b in run.batches if b.render_end]
    waits = [b.waited for b in run.batches]
    first = (run.batches[0].end - run.batches[0].start) * 1000 if run.batches else 0

    def ms(values: list[float]) -> str:
        return f"{statistics.median(values) * 1000 if values else 0:,.0f} ms"

    lines += ["", f"### Bulk job: {args.trainees:,} enrolments", "",
              "| measure | value |", "|---|---:|",
              row("job status", run.status + (f": {run.error}" if run.error else "")),
              row("certificates issued / skipped",
                  f"{run.result.get('issued', 0):,} / {run.result.get('skipped', 0):,}"),
              row("**issuing wall time** (batches)", f"**{run.issuing_s:,.1f} s**"),
              row("build_downloads (zip + merged PDF)", f"{run.downloads_s:,.1f} s"),
              row("**whole job** (runner.run)", f"**{run.total_s:,.1f} s**"),
              row("certificates per second (issuing / whole job)",
                  f"{issued / max(run.issuing_s, 1e-9):,.1f} / "
                  f"{issued / max(run.total_s, 1e-9):,.1f}"),
              row("ms per certificate (issuing / whole job)",
                  f"{run.issuing_s * 1000 / max(1, issued):,.1f} / "
                  f"{run.total_s * 1000 / max(1, issued):,.1f}"),
              row("first batch" + (" (includes starting the pool)" if run.worker_rss else ""),
                  f"{first:,.0f} ms")]
    if renders:
        size = run.batches[0].issued
        lines += [row(f"per batch of {size}, median: drafting (queries, HTML, QR)", ms(drafts)),
                  row("per batch, median: from handing it over to its PDFs back (the next "
                      "batch is drafted meanwhile)", ms(renders)),
                  row("per batch, median: the job waiting for its PDFs", ms(waits)),
                  row("per batch, median: storing PDFs + flush + audit", ms(finishes)),
                  row("share of the issuing time the job waited for renders",
                      f"{100 * sum(waits) / max(run.issuing_s, 1e-9):.0f} %")]
    if run.worker_rss:
        render_cpu = row("render workers' CPU per certificate",
                         f"{1000 * run.cpu['workers'] / max(1, issued):,.0f} ms")
    else:
        render_cpu = row("render time per certificate (in the job process)",
                         f"{1000 * sum(renders) / max(1, issued):,.0f} ms")
    others_share = 100 * run.cpu["others"] / max(1e-9, run.total_s * cores)
    lines += [row("SQL statements: issuing / downloads",
                  f"{run.statements:,} ({run.statements / max(1, issued):.1f} per certificate) "
                  f"/ {run.download_statements:,}"),
              row("CPU: job process / render workers / PostgreSQL",
                  f"{run.cpu['main']:,.1f} s / {run.cpu['workers']:,.1f} s / "
                  f"{run.cpu['postgres']:,.1f} s"),
              render_cpu,
              row("machine busy during the job",
                  f"{100 * run.cpu['machine_busy']:.0f} % of {cores} cores; other processes "
                  f"used {run.cpu['others']:,.1f} s of CPU ({others_share:.0f} % of the "
                  f"machine)"),
              row("job process RSS: before / end of issuing / end / peak"
                  + ("" if run.peak_was_reset else " (lifetime)"),
                  f"{mib(run.main_start_kib)} / {mib(run.main_before_downloads_kib)} / "
                  f"{mib(run.main_end_kib)} / {mib(run.main_peak_kib)}")]
    for n, (_pid, (after_first, last, peak)) in enumerate(sorted(run.worker_rss.items()), 1):
        lines.append(row(f"worker {n} RSS: after batch 1 / end / peak (growth)",
                         f"{mib(after_first)} / {mib(last)} / {mib(peak)} "
                         f"({(last - after_first) / 1024:+,.1f} MiB)"))
    if run.lock_waits:
        lines.append(row("another issuer's wait for the serial counter meanwhile: median / "
                         "p95 / max",
                         f"{statistics.median(run.lock_waits):,.0f} / "
                         f"{percentile(run.lock_waits, 0.95):,.0f} / "
                         f"{max(run.lock_waits):,.0f} ms (n={len(run.lock_waits)})"))
    if run.lock_failures:
        waited = [ms_ for ms_, _error in run.lock_failures]
        errors = "; ".join(sorted({error for _ms, error in run.lock_failures}))
        lines.append(row("another issuer's attempts that FAILED meanwhile",
                         f"{len(waited)}, after waiting {min(waited) / 1000:,.1f} to "
                         f"{max(waited) / 1000:,.1f} s: {errors}"))
    sizes = verdict.sizes or [0]
    lines += [row("PDF size: mean / min / max",
                  f"{statistics.mean(sizes) / 1024:,.1f} / {min(sizes) / 1024:,.1f} / "
                  f"{max(sizes) / 1024:,.1f} KiB"),
              row("zip of the PDFs",
                  f"{verdict.zip_size / 2**20:,.1f} MiB, {verdict.zip_entries:,} files"),
              row("merged PDF for printing",
                  f"{verdict.merged_size / 2**20:,.1f} MiB, {verdict.merged_pages:,} pages")]
    if pages:
        header = ("| after the job, through the test client | median ms | p95 ms "
                  "| x baseline (median / p95) | n |")
        lines += ["", header, "|---|---:|---:|---:|---:|",
                  *[series.row(baseline) for series in pages]]

    counted = (f"- {verdict.certificates:,} certificates, {verdict.distinct_serials:,} "
               f"distinct serials, {verdict.distinct_codes:,} distinct codes, "
               f"{verdict.audit_events:,} audit events")
    hashed = ("- stored PDFs whose SHA-256 or size differs from the record: "
              f"{verdict.hash_mismatches}; missing: {verdict.missing_files}")
    lines += ["", "### Checks", "", counted, hashed, *[f"- {entry}" for entry in verdict.sample]]
    if probes:
        base = statistics.median(probes[0]["ms"])
        heading = (f"### Renderer probes ({len(probes[0]['ms'])} PDFs each, one fresh "
                   "process per renderer, taking turns)")
        header = ("| renderer | median ms | p95 ms | x as configured "
                  "| RSS after 1st PDF / end (growth) | mean PDF size |")
        lines += ["", heading, "", header, "|---|---:|---:|---:|---:|---:|"]
        for found in probes:
            median = statistics.median(found["ms"])
            growth = (found["rss_end"] - found["rss_first"]) / 1024
            lines.append(f"| {found['mode']} | {median:,.1f} | "
                         f"{percentile(found['ms'], 0.95):,.1f} | x{median / base:.1f} | "
                         f"{mib(found['rss_first'])} / {mib(found['rss_end'])} "
                         f"({growth:+,.1f} MiB) | {found['size'] / 1024:,.1f} KiB |")

    under = run.total_s < 60
    met = run.status == "finished" and under and not verdict.problems
    verdict_line = (f"**Target**: {issued:,} certificates in {run.total_s:,.1f} s (issuing "
                    f"{run.issuing_s:,.1f} s + downloads {run.downloads_s:,.1f} s) "
                    f"{'<' if under else '>='} 60 s; problems: "
                    f"{'; '.join(verdict.problems) or 'none'} -> "
                    f"**{'MET' if met else 'NOT MET'}**")
    if args.trainees != 1000:
        verdict_line += f" (with {args.trainees:,} certificates, not 1,000)"
    lines += ["", verdict_line]
    default = next((found for found in probes if found["mode"] == "fresh-fonts"), None)
    if default and issued:
        # Issue 14: the whole job against one process making the same certificates one by one
        # with WeasyPrint's default call (a new font configuration per PDF), in this run.
        per_certificate = run.total_s * 1000 / issued
        speedup = statistics.median(default["ms"]) / per_certificate
        lines.append(f"**Throughput against one process with WeasyPrint's default call**: "
                     f"{per_certificate:,.1f} ms a certificate for the whole job, "
                     f"{statistics.median(default['ms']):,.1f} ms a PDF for the default call: "
                     f"x{speedup:.2f} (target x2.5: **{'MET' if speedup >= 2.5 else 'NOT MET'}**)")
    return lines


# --- Main --------------------------------------------------------------------------------------

def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, default=1000,
                        help="certificates in the bulk job (default 1000)")
    parser.add_argument("--runs", type=int, default=40,
                        help="single certificates measured in-process and over HTTP (default 40)")
    parser.add_argument("--workers", type=int, default=None,
                        help="CERTIFICATE_WORKERS for the bulk job (default: the app's, one per "
                             "core; 1 renders in the job's own process)")
    parser.add_argument("--poll", type=float, default=0.02,
                        help="seconds between two polls of the job page (default 0.02)")
    parser.add_argument("--probe-renders", type=int, default=20,
                        help="PDFs per renderer probe; 0 skips the probes (default 20)")
    parser.add_argument("--no-http", action="store_true", help="skip the HTTP series")
    parser.add_argument("--no-lock-probe", action="store_true",
                        help="do not time another issuer's wait for the serial counter during "
                             "the bulk job")
    parser.add_argument("--profile", metavar="FILE",
                        help="cProfile the bulk job's process into FILE and print its top lines")
    parser.add_argument("--sqlite", action="store_true", help="an SQLite file instead")
    parser.add_argument("--keep", action="store_true",
                        help="keep the database and the folder of PDFs, and print where they are")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    wall = now()
    tmp = Path(tempfile.mkdtemp(prefix="campus-bench-certificates-"))
    base = "sqlite" if args.sqlite else os.environ.get("ACADEMY_BENCH_DATABASE_URL", DEFAULT_BASE)
    url = create_database(base, tmp, BENCH_DATABASE)
    overrides = {"TESTING": False, "PUBLIC_URL": PUBLIC_URL, "JOB_MODE": "thread"}
    if args.workers:
        overrides["CERTIFICATE_WORKERS"] = args.workers
    app = make_app(url, tmp, **overrides)
    try:
        upgrade_schema(app)
        started = now()
        seeded = seed(app, args)
        seeded_in = now() - started
        print(f"Seeded in {seeded_in:.1f} s; one certificate at a time ({args.runs} runs "
              f"in-process)...", file=sys.stderr, flush=True)
        baseline = baseline_series(max(args.runs, 200))
        direct_renders: list[float] = []
        direct, made = single_in_process(app, seeded, direct_renders)
        http = None
        if not args.no_http:
            print(f"... and {args.runs} over HTTP (test client, job in a thread)...",
                  file=sys.stderr, flush=True)
            http = single_over_http(app, seeded, args.poll)
        print(f"Bulk job of {len(seeded.bulk):,} certificates...", file=sys.stderr, flush=True)
        run = run_bulk(app, seeded, args.profile, not args.no_lock_probe)
        print(f"Job {run.status} in {run.total_s:.1f} s; checking...", file=sys.stderr,
              flush=True)
        verdict = verify(app, run, len(seeded.bulk), sample_size=10)
        pages = bulk_pages(app, seeded, run.job_id) if run.status == "finished" else []
        probes = []
        if args.probe_renders > 0:
            print("Renderer probes...", file=sys.stderr, flush=True)
            probes = run_probes(app, made, args.probe_renders)
        lines = report(args, url, seeded_in, baseline, direct, direct_renders, http, run,
                       verdict, pages, probes)
        print("\n".join(lines))
        if args.profile:
            print(f"\n### cProfile of the job process (top 30 by cumulative time; {args.profile})"
                  "\n\n```")
            stats = pstats.Stats(args.profile, stream=sys.stdout)
            stats.sort_stats("cumulative").print_stats(30)
            print("```")
        print(f"\nwall time of the benchmark: {now() - wall:.0f} s")
    finally:
        with app.app_context():
            from academy.extensions import db

            db.engine.dispose()
        if args.keep:
            print(f"kept: database {url}, files in {tmp}")
        else:
            drop_database(url, base, BENCH_DATABASE)
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
