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
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import repeat
from multiprocessing import get_context
from typing import Callable

from flask import current_app

from academy import storage
from academy.certificates import bundles, documents, operations, queries, rendering, serials
from academy.db import reading, utcnow
from academy.extensions import db
from academy.i18n import sort_key
from academy.jobs.models import Job
from academy.jobs.runner import handler

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
    """Renders PDFs and builds the downloads, in this process or in worker processes."""

    render_many: Callable[[list[tuple[str, str]]], list[bytes]]
    bundle: Callable[[list[tuple[str, str]], str], dict]


@contextmanager
def renderer(count: int) -> Iterator[Renderer]:
    """Worker processes (each with its own font configuration and parsed stylesheet, kept for
    the whole job) when the job is large enough, else this process."""
    roots = documents.file_roots()
    processes = min(workers(), count // POOL_THRESHOLD)
    if processes <= 1:
        yield Renderer(lambda items: rendering.render_many(items, roots), bundles.write_bundles)
        return
    with ProcessPoolExecutor(max_workers=processes, mp_context=get_context("spawn")) as pool:
        def render_many(items):
            htmls, styles = zip(*items, strict=True)
            return list(pool.map(rendering.render_pdf, htmls, styles, repeat(roots)))

        yield Renderer(render_many,
                       lambda entries, folder: pool.submit(bundles.write_bundles, entries,
                                                           folder).result())


def _issue(job_id: str, payload: dict, ids: list[int], render_many) -> int:
    """One batch; returns how many certificates it issued."""
    with reading():
        count = queries.count_candidates(ids)
        db.session.commit()
    if not count:
        return 0
    numbers = serials.next_serials(utcnow().year, count)
    db.session.commit()
    with reading():
        drafts = operations.draft_batch(ids, numbers, actor_id=payload["actor_id"],
                                        base_url=payload["base_url"], job_id=job_id)
        db.session.commit()
    pdfs = render_many([(draft.html, draft.css) for draft in drafts])
    return operations.keep_batch(drafts, pdfs, actor_id=payload["actor_id"], job_id=job_id)


@handler(KIND)
def bulk_issue(job: Job) -> None:
    """Issue to every enrolment of the job that is still eligible, a batch per commit."""
    # Read once: touching the job after a commit would reload it in a write transaction.
    job_id, payload = job.id, dict(job.payload)
    ids = list(payload["enrolment_ids"])
    issued = 0
    with renderer(len(ids)) as work:
        for start in range(0, len(ids), BATCH):
            issued += _issue(job_id, payload, ids[start:start + BATCH], work.render_many)
            done = min(start + BATCH, len(ids))
            job.done, job.result = done, {"issued": issued, "skipped": done - issued}
            db.session.commit()
        downloads = build_downloads(job_id, work.bundle)
    job.result = {**job.result, **downloads}
    db.session.commit()


def _file_name(certificate) -> str:
    stem = re.sub(r"[^a-z0-9]+", "-", sort_key(certificate.name)).strip("-")[:60] or "certificate"
    return f"{certificate.serial}-{stem}.pdf"


def build_downloads(job_id: str, bundle=bundles.write_bundles) -> dict:
    """Keep a zip of the job's PDFs and one merged PDF for printing; return their digests."""
    with reading():
        entries = [(str(path), _file_name(certificate))
                   for certificate in queries.of_job(job_id)
                   if (path := storage.stored_path(operations.PDF_KIND, certificate.pdf_sha256,
                                                   ".pdf"))]
        db.session.commit()
    return bundle(entries, str(storage.storage_dir(DOWNLOADS))) if entries else {}
