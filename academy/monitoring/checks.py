"""What /health/ready asks: the database, Redis (when configured), the job queue, the queued
jobs and the upload folder, each within a short time.

A check that fails says so in its result (with the error's kind only: the probe is public;
the log keeps the message); it never raises, so the probe answers 503, never 500.
"""
from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import text

from academy.db import utcnow
from academy.extensions import db
from academy.jobs import queries as job_queries
from academy.jobs import runner
from academy.jobs.models import QUEUED

log = logging.getLogger(__name__)


def readiness(app: Flask) -> dict[str, dict[str, Any]]:
    """Each check's result: {"ok": bool, "ms": float, ...details}."""
    timeout = float(app.config["HEALTH_CHECK_TIMEOUT_SECONDS"])
    checks = {"database": timed("database", lambda: database(timeout))}
    checks["jobs"] = (timed("jobs", queued_jobs) if checks["database"]["ok"]
                      else skipped("database"))
    checks.update(_redis_and_queue(app, timeout))
    checks["uploads"] = timed("uploads", lambda: uploads(app.config["UPLOAD_DIR"]))
    return checks


def _redis_and_queue(app: Flask, timeout: float) -> dict[str, dict[str, Any]]:
    """Redis (when configured) and the queue jobs go to, on one client of their own."""
    url = app.config.get("REDIS_URL")
    if not url:
        return {"queue": _queue_check(app, None)}
    try:
        client = _redis_client(url, timeout)
    except ValueError as error:  # a URL that Redis cannot read
        log.warning("readiness: redis failed: %s", error)
        return {"redis": {"ok": False, "error": type(error).__name__, "ms": 0.0},
                "queue": _queue_check(app, None)}
    try:
        result = timed("redis", lambda: {"pong": bool(client.ping())})
        return {"redis": result, "queue": _queue_check(app, client if result["ok"] else None)}
    finally:
        client.close()


def timed(name: str, probe: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run one check: its details and "ok": True, or "ok": False and the error's kind."""
    started = time.perf_counter()
    try:
        result = {"ok": True, **probe()}
    except Exception as error:  # noqa: BLE001 - a failed check is an answer, not an error
        log.warning("readiness: %s failed: %s", name, error)
        result = {"ok": False, "error": type(error).__name__}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def skipped(because: str) -> dict[str, Any]:
    """A check not tried, since the one it needs failed (trying would wait for it again)."""
    return {"ok": False, "error": f"{because} unreachable", "ms": 0.0}


def database(timeout: float) -> dict[str, Any]:
    """One round trip; on PostgreSQL no statement of this probe may run longer than `timeout`."""
    try:
        if db.session.get_bind().dialect.name == "postgresql":
            db.session.execute(text("SELECT set_config('statement_timeout', :ms, true)"),
                               {"ms": str(max(1, int(timeout * 1000)))})
        db.session.execute(text("SELECT 1"))
    except Exception:
        db.session.rollback()
        raise
    return {}


def queued_jobs() -> dict[str, Any]:
    """How many jobs wait, and for how long the oldest has (seconds since it was created)."""
    try:
        census = job_queries.census()
    except Exception:
        db.session.rollback()
        raise
    oldest = census.oldest_queued_at
    age = max(0.0, (utcnow() - oldest).total_seconds()) if oldest else 0.0
    return {"queued": census.by_status.get(QUEUED, 0), "oldest_queued_age_seconds": round(age, 1)}


def _redis_client(url: str, timeout: float):
    """A client of its own that gives up after `timeout` (the app's may wait longer)."""
    import redis

    return redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)


def _queue_check(app: Flask, client) -> dict[str, Any]:
    """The queue jobs go to: RQ's in Redis (its length and workers; not tried without a Redis
    that answered), or this process."""
    how = runner.mode(app)
    if how != "rq":
        return {"ok": True, "mode": how, "ms": 0.0}
    if client is None:
        return {**skipped("redis"), "mode": how}
    return {**timed("queue", lambda: rq_queue(app, client)), "mode": how}


def rq_queue(app: Flask, client) -> dict[str, Any]:
    from rq import Queue, Worker

    queue = Queue(app.config.get("JOB_QUEUE") or runner.QUEUE_NAME, connection=client)
    return {"waiting": queue.count, "workers": Worker.count(queue=queue)}


def uploads(folder: str) -> dict[str, Any]:
    """The upload folder takes a file (written, then removed)."""
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path, prefix=".ready-", suffix=".tmp") as probe:
        probe.write(b"ok")
        probe.flush()
    return {}
