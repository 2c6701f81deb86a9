"""Bulk issuance as a job: batches of certificates rendered by worker processes, then one zip and
one merged PDF of everything the job issued.

Each batch reads in a read transaction, reserves its serials in a short write transaction,
renders with no transaction open, and writes in a short one: on SQLite the write lock is held
for milliseconds, so a classroom's answers and logins do not wait behind the job, and on
PostgreSQL the serial counter's row is never locked while PDFs are drawn.
"""
from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing import get_context

from flask import current_app

from academy import storage
from academy.certificates import bundles, contents, documents, issuing, queries, rendering, serials
from academy.db import reading, utcnow
from academy.extensions import db
from academy.i18n import sort_key
from academy.jobs.models import Job
from academy.jobs.runner import keep_progress

KIND = "certificates.bulk_issue"
BATCH = 24
DOWNLOADS = "certificate-downloads"
# Below this many certificates per process, starting processes costs more than it saves.
POOL_THRESHOLD = 40


def workers() -> int:
    configured = current_app.config.get("CERTIFICATE_WORKERS")
    return int(configured) if configured else (os.cpu_count() or 1)


@dataclass
class Renderer:
    """Renders PDFs and builds the downloads, in this process or in worker processes.

    `submit` hands a batch's (html, css, attachments) items over and returns at once with a
    function that waits for their PDFs, so the job drafts the next batch while this one is drawn.
    """

    submit: Callable[[list[tuple]], Callable[[], list[bytes]]]
    bundle: Callable[[list[tuple[str, str]], str], dict]


@contextmanager
def renderer(count: int) -> Iterator[Renderer]:
    """Worker processes (each with its own font configuration and parsed stylesheet, kept for
    the whole job) when the job is large enough, else this process."""
    roots = documents.file_roots()
    processes = min(workers(), count // POOL_THRESHOLD)
    if processes <= 1:
        def render_now(items):
            pdfs = rendering.render_many(items, roots)
            return lambda: pdfs

        yield Renderer(render_now, bundles.write_bundles)
        return
    with ProcessPoolExecutor(max_workers=processes, mp_context=get_context("spawn")) as pool:
        def submit(items):
            futures = [pool.submit(rendering.render_timed, html, css, roots, attachments)
                       for html, css, attachments in items]
            return lambda: rendering.collect(futures)

        yield Renderer(submit, lambda entries, folder: pool.submit(bundles.write_bundles, entries,
                                                                   folder).result())


@dataclass
class Batch:
    """A batch drafted and handed to the renderer, waiting to be kept."""

    drafts: list
    pdfs: Callable[[], list[bytes]]
    done: int  # enrolments of the job looked at once this batch is kept


def _draft(job_id: str, payload: dict, ids: list[int]) -> list:
    """The certificates of one batch, drafted with their serials (none if none is eligible)."""
    with reading():
        count = queries.count_candidates(ids)
        db.session.commit()
    if not count:
        return []
    numbers = serials.next_serials(utcnow().year, count)
    db.session.commit()
    with reading():
        drafts = issuing.draft_batch(ids, numbers, actor_id=payload["actor_id"],
                                     base_url=payload["base_url"], job_id=job_id)
        db.session.commit()
    return drafts


def _keep(job_id: str, payload: dict, batch: Batch) -> int:
    """Wait for a batch's PDFs and keep its certificates; returns how many were issued."""
    if not batch.drafts:
        return 0
    return issuing.keep_batch(batch.drafts, batch.pdfs(), actor_id=payload["actor_id"],
                              job_id=job_id)


def bulk_issue(job: Job) -> None:
    """Issue to every enrolment of the job that is still eligible, a batch per commit. While
    the renderers draw one batch the job drafts the next, so neither waits for the other.

    A job taken up again after its runner died goes on after the last batch it kept (`done`):
    nobody is issued twice (and the partial unique index would refuse it), nobody is missed.
    The serials the lost batch had reserved are a gap. Each batch is kept with the job's
    progress only while this run still holds the job (`runner.keep_progress`)."""
    # Read once: touching the job after a commit would reload it in a write transaction.
    job_id, token, payload = job.id, job.runner, dict(job.payload)
    ids = list(payload["enrolment_ids"])
    first, issued = job.done, int((job.result or {}).get("issued", 0))
    with renderer(len(ids) - first) as work:
        waiting: Batch | None = None
        for start in range(first, len(ids), BATCH):
            drafts = _draft(job_id, payload, ids[start:start + BATCH])
            batch = Batch(drafts, work.submit([(d.html, d.css, d.attachments) for d in drafts]),
                          min(start + BATCH, len(ids)))
            if waiting is not None:
                issued = _progress(job_id, token, waiting,
                                   issued + _keep(job_id, payload, waiting))
            waiting = batch
        if waiting is not None:
            issued = _progress(job_id, token, waiting, issued + _keep(job_id, payload, waiting))
        downloads = build_downloads(job_id, work.bundle)
    keep_progress(job_id, token,
                  result={"issued": issued, "skipped": len(ids) - issued, **downloads})
    db.session.commit()


def _progress(job_id: str, token: str, batch: Batch, issued: int) -> int:
    """Keep a batch's certificates with the job's progress; returns those issued so far."""
    keep_progress(job_id, token, done=batch.done,
                  result={"issued": issued, "skipped": batch.done - issued})
    db.session.commit()
    return issued


def remove_downloads(job: Job) -> None:
    """Remove an old job's zip and merged PDF (each certificate's own PDF stays)."""
    for kind in ("zip", "pdf"):
        path = storage.stored_path(DOWNLOADS, (job.result or {}).get(kind), f".{kind}")
        if path is not None:
            path.unlink(missing_ok=True)


def _file_name(certificate) -> str:
    stem = re.sub(r"[^a-z0-9]+", "-", sort_key(certificate.name)).strip("-")[:60] or "certificate"
    return f"{certificate.serial}-{stem}.pdf"


def build_downloads(job_id: str, bundle=bundles.write_bundles) -> dict:
    """Keep a zip of the job's PDFs and one merged PDF for printing; return their digests."""
    with reading():
        entries = [(str(path), _file_name(certificate))
                   for certificate in queries.of_job(job_id)
                   if (path := storage.stored_path(contents.PDF_KIND, certificate.pdf_sha256,
                                                   ".pdf"))]
        db.session.commit()
    return bundle(entries, str(storage.storage_dir(DOWNLOADS))) if entries else {}
