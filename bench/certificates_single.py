"""One certificate at a time, in-process and over HTTP (Flask's test client), next to a bare
Flask page measured the same way."""
from __future__ import annotations

import re
import statistics
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import event

from bench.certificates_seed import PUBLIC_URL, WARMUP, Seeded
from bench.harness import bare_page_ms
from bench.measures import now, percentile
from tests.support import CSRF_RE


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
    from academy.certificates import contents, issuing
    from academy.enrolment.models import Enrolment
    from academy.extensions import db

    series, made = Series("in-process: issue_certificate + commit + read the PDF"), []
    with timing_renders(renders):
        for n, enrolment_id in enumerate(seeded.direct):
            started = now()
            with app.test_request_context(base_url=PUBLIC_URL):
                enrolment = db.session.get(Enrolment, enrolment_id)
                certificate = issuing.issue_certificate(
                    enrolment, actor_id=seeded.coordinator_id, base_url=PUBLIC_URL)
                db.session.commit()
                pdf = storage.stored_path(contents.PDF_KIND, certificate.pdf_sha256,
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
        # As sent from the confirmation page ("confirmed"), which starts the job.
        response = client.post("/certificates/issue",
                               data={"enrolments": [str(enrolment_id)], "confirmed": "1",
                                     "csrf_token": token})
        posted = now()
        location = response.headers.get("Location", "")
        if response.status_code != 302 or "/certificates/jobs/" not in location:
            sys.exit(f"POST /certificates/issue: {response.status_code} {location}")
        certificate_id, polls = follow_job(client, location, started, poll_every,
                                           runs.poll.ms if measured else [])
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


def follow_job(client, location: str, started: float, poll_every: float,
               poll_ms: list[float]) -> tuple[int, int]:
    """Poll the job page until the job is over: its certificate's id, and the polls made."""
    polls, certificate_id = 0, None
    while certificate_id is None:
        asked = now()
        html = client.get(location).get_data(as_text=True)
        polls += 1
        poll_ms.append((now() - asked) * 1000)
        if 'http-equiv="refresh"' not in html:
            found = re.search(r'href="/certificates/(\d+)"', html)
            if not found:
                sys.exit(f"job {location} over without a certificate:\n{html[-2000:]}")
            certificate_id = int(found.group(1))
        elif now() - started > 120:
            sys.exit(f"job {location} not over after 120 s")
        else:
            time.sleep(poll_every)
    return certificate_id, polls


def baseline_series(runs: int) -> Series:
    """A bare Flask page through the same kind of test client."""
    return Series("baseline: bare Flask page, same test client", bare_page_ms(runs, warmup=20))
