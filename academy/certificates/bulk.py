"""Bulk issuance as a job: batches of certificates rendered by worker processes, then one zip and
one merged PDF of everything the job issued."""
from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from itertools import repeat
from multiprocessing import get_context

from flask import current_app
from pypdf import PdfWriter

from academy import storage
from academy.certificates import documents, operations, queries, rendering
from academy.extensions import db
from academy.i18n import sort_key
from academy.jobs.models import Job
from academy.jobs.runner import handler

KIND = "certificates.bulk_issue"
BATCH = 24
DOWNLOADS = "certificate-downloads"
# Below this many certificates, starting worker processes costs more than it saves.
POOL_THRESHOLD = 12


def workers() -> int:
    configured = current_app.config.get("CERTIFICATE_WORKERS")
    return int(configured) if configured else (os.cpu_count() or 1)


@contextmanager
def renderer(count: int) -> Iterator:
    """A function rendering [(html, css)] to PDFs: in this process, or across worker processes
    (each with its own font configuration and parsed stylesheet, kept for the whole job)."""
    roots = documents.file_roots()
    processes = min(workers(), max(1, count // POOL_THRESHOLD))
    if processes <= 1:
        yield lambda items: rendering.render_many(items, roots)
        return
    with ProcessPoolExecutor(max_workers=processes, mp_context=get_context("spawn")) as pool:
        def render_many(items):
            htmls, styles = zip(*items, strict=True)
            return list(pool.map(rendering.render_pdf, htmls, styles, repeat(roots)))
        yield render_many


@handler(KIND)
def bulk_issue(job: Job) -> None:
    """Issue to every enrolment of the job that is still eligible, a batch per commit."""
    ids = list(job.payload["enrolment_ids"])
    issued = skipped = 0
    with renderer(len(ids)) as render_many:
        for start in range(0, len(ids), BATCH):
            made, missed = operations.issue_batch(
                ids[start:start + BATCH], actor_id=job.payload["actor_id"],
                base_url=job.payload["base_url"], job_id=job.id, render_many=render_many)
            issued, skipped = issued + made, skipped + missed
            job.done, job.result = min(start + BATCH, len(ids)), {"issued": issued,
                                                                  "skipped": skipped}
            db.session.commit()
    job.result = {"issued": issued, "skipped": skipped, **build_downloads(job.id)}
    db.session.commit()


def _file_name(certificate) -> str:
    stem = re.sub(r"[^a-z0-9]+", "-", sort_key(certificate.name)).strip("-")[:60] or "certificate"
    return f"{certificate.serial}-{stem}.pdf"


def build_downloads(job_id: str) -> dict:
    """Keep a zip of the job's PDFs and one merged PDF for printing; return their digests."""
    certificates = [c for c in queries.of_job(job_id) if c.pdf_sha256]
    if not certificates:
        return {}
    archive = io.BytesIO()
    merged = PdfWriter()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as bundle:
        for certificate in certificates:
            path = storage.stored_path(operations.PDF_KIND, certificate.pdf_sha256, ".pdf")
            bundle.write(path, _file_name(certificate))
            merged.append(str(path))
    printed = io.BytesIO()
    merged.write(printed)
    return {"zip": storage.store(DOWNLOADS, archive.getvalue(), ".zip"),
            "pdf": storage.store(DOWNLOADS, printed.getvalue(), ".pdf")}
