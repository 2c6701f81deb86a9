"""Running jobs: on RQ workers when ACADEMY_REDIS_URL is set, else in a thread of this process.

Both paths call `run(job_id)` in an app context, so a job behaves the same either way. Tests of
the request path use JOB_MODE "inline" (run at once, in the request's own transaction); the
thread and RQ paths have tests of their own.
"""
from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable

from flask import Flask, current_app

from academy.db import utcnow
from academy.extensions import db
from academy.jobs.models import FAILED, FINISHED, QUEUED, RUNNING, Job

HANDLERS: dict[str, Callable[[Job], None]] = {}
QUEUE_NAME = "campus"
log = logging.getLogger(__name__)
# RQ runs jobs through the app-level entry point, which makes the worker's app.
WORKER_ENTRY = "academy.worker.run_job"


def handler(kind: str):
    """Register the function that does the work of jobs of `kind` (it commits its progress)."""
    def register(function: Callable[[Job], None]):
        HANDLERS[kind] = function
        return function
    return register


def create_job(kind: str, *, owner_id: int | None, payload: dict, total: int) -> Job:
    """Add a queued job (start it with `start` once the transaction is committed)."""
    job = Job(id=secrets.token_hex(16), kind=kind, owner_id=owner_id, payload=payload,
              total=total, done=0, status=QUEUED, result={})
    db.session.add(job)
    db.session.flush()
    return job


def mode(app: Flask) -> str:
    if app.config.get("JOB_MODE"):
        return app.config["JOB_MODE"]
    return "rq" if app.config.get("REDIS_URL") else "thread"


def start(job_id: str) -> None:
    """Hand a committed job to whoever runs jobs here."""
    app = current_app._get_current_object()
    how = mode(app)
    if how == "rq":
        queue(app).enqueue(WORKER_ENTRY, job_id, job_timeout=6 * 3600, result_ttl=3600)
    elif how == "inline":
        run(job_id)
    else:
        threading.Thread(target=run_in_app, args=(app, job_id), daemon=True,
                         name=f"campus-job-{job_id[:8]}").start()


def queue(app: Flask):
    from redis import Redis
    from rq import Queue

    return Queue(app.config.get("JOB_QUEUE") or QUEUE_NAME,
                 connection=Redis.from_url(app.config["REDIS_URL"]))


def run_in_app(app: Flask, job_id: str) -> None:
    """Run a job inside `app` (a thread of the web process, or an RQ worker's app)."""
    with app.app_context():
        try:
            run(job_id)
        finally:
            db.session.remove()


def run(job_id: str) -> None:
    """Run a queued job to its end, recording failure instead of raising."""
    job = db.session.get(Job, job_id)
    if job is None or job.status != QUEUED:
        return
    job.status, job.started_at = RUNNING, utcnow()
    db.session.commit()
    try:
        HANDLERS[job.kind](job)
        job.status, job.finished_at = FINISHED, utcnow()
        db.session.commit()
    except Exception as error:  # the job's page reports it; the log keeps the traceback
        log.exception("job %s (%s) failed", job_id, job.kind)
        db.session.rollback()
        job = db.session.get(Job, job_id)
        job.status, job.finished_at = FAILED, utcnow()
        job.error = f"{type(error).__name__}: {error}"[:2000]
        db.session.commit()
