"""Running jobs: on RQ workers when ACADEMY_REDIS_URL is set, else in a thread of this process.

Both paths call `run(job_id)` in an app context, so a job behaves the same either way. Tests of
the request path use JOB_MODE "inline" (run at once, in the request's own transaction); the
thread and RQ paths have tests of their own.

Jobs finish even when what runs them dies (issue 16). A run first claims its job (one UPDATE that
only one runner can win) and beats a heartbeat every few seconds while it works; every web process
and worker sweeps now and then (`sweeper.py`): a job whose heartbeat stopped is handed out again
and its handler goes on from the progress it committed; a job that raised is retried later, with
a growing pause, until its attempts are used up and it is marked failed with the reason.
"""
from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import and_, or_, select, update

from academy.db import reading, utcnow
from academy.extensions import db
from academy.jobs.models import FAILED, FINISHED, QUEUED, RUNNING, Job

QUEUE_NAME = "campus"
log = logging.getLogger(__name__)
# RQ runs jobs through the app-level entry point, which makes the worker's app.
WORKER_ENTRY = "academy.worker.run_job"
# What a job that stopped beating too often says (its runner died each time it took it up).
STOPPED = "stopped"


@dataclass(frozen=True)
class Kind:
    """What a kind of job does: `run` does the work (committing its progress, and going on from
    it when the job is taken up again); `expire` removes what an old job left to download."""

    run: Callable[[Job], None]
    expire: Callable[[Job], None] | None = None


KINDS: dict[str, Kind] = {}


def register(kind: str, run: Callable[[Job], None],
             expire: Callable[[Job], None] | None = None) -> None:
    """Say what jobs of `kind` do (the app factory registers every kind)."""
    KINDS[kind] = Kind(run, expire)


@dataclass(frozen=True)
class Timing:
    """The job settings of an app (academy/config.py documents each)."""

    heartbeat: int
    stale: int
    max_attempts: int
    retry: int

    @classmethod
    def of(cls, app: Flask) -> Timing:
        config = app.config
        return cls(int(config["JOB_HEARTBEAT_SECONDS"]), int(config["JOB_STALE_SECONDS"]),
                   max(1, int(config["JOB_MAX_ATTEMPTS"])), int(config["JOB_RETRY_SECONDS"]))

    def pause(self, attempts: int) -> timedelta:
        """How long a job that failed `attempts` times waits before its next attempt."""
        return timedelta(seconds=self.retry * 2 ** max(0, attempts - 1))


def create_job(kind: str, *, owner_id: int | None, payload: dict, total: int) -> Job:
    """Add a queued job; hand it over with `start` once the transaction is committed (a runner
    that looked for it earlier would not see it)."""
    job = Job(id=secrets.token_hex(16), kind=kind, owner_id=owner_id, payload=payload,
              total=total, done=0, status=QUEUED, result={}, attempts=0, heartbeat_at=utcnow())
    db.session.add(job)
    db.session.flush()
    return job


def mode(app: Flask) -> str:
    if app.config.get("JOB_MODE"):
        return app.config["JOB_MODE"]
    return "rq" if app.config.get("REDIS_URL") else "thread"


def start(job_id: str) -> str:
    """Hand a committed job to whoever runs jobs here; return who took it ("rq", "thread" or
    "inline"). When the queue cannot be reached the job runs in a thread of this process
    instead: it is never left waiting for a queue that did not take it."""
    app = current_app._get_current_object()
    how = mode(app)
    if how == "rq":
        try:
            enqueue(app, job_id)
            return how
        except Exception as error:  # noqa: BLE001 - Redis down, refused, timed out: run it here
            log.warning("job %s: the queue is unreachable (%s); running it in this process",
                        job_id, error)
            how = "thread"
    if how == "inline":
        run(job_id)
    else:
        threading.Thread(target=run_in_app, args=(app, job_id), daemon=True,
                         name=f"campus-job-{job_id[:8]}").start()
    return how


def queue(app: Flask):
    from redis import Redis
    from rq import Queue

    return Queue(app.config.get("JOB_QUEUE") or QUEUE_NAME,
                 connection=Redis.from_url(app.config["REDIS_URL"], socket_timeout=2,
                                           socket_connect_timeout=1))


def enqueue(app: Flask, job_id: str) -> None:
    """Put the job on the RQ queue, unless it already waits there (a sweep hands a job out again
    when its heartbeat is old; one waiting behind long jobs needs no second entry). A job that
    still waits when no worker serves the queue any more is refused here, so it runs in this
    process instead of waiting for a worker nobody started."""
    from rq import Worker

    jobs = queue(app)
    waiting = jobs.fetch_job(f"campus-{job_id}")
    if waiting is not None and waiting.get_status(refresh=False) == "queued":
        if Worker.count(connection=jobs.connection, queue=jobs):
            return
        raise RuntimeError("no worker serves the queue")
    jobs.enqueue(WORKER_ENTRY, job_id, job_id=f"campus-{job_id}", job_timeout=6 * 3600,
                 result_ttl=3600, failure_ttl=24 * 3600)


def run_in_app(app: Flask, job_id: str) -> None:
    """Run a job inside `app` (a thread of the web process, or an RQ worker's app)."""
    with app.app_context():
        try:
            run(job_id)
        finally:
            db.session.remove()


def _due(now: datetime):
    return or_(Job.run_after.is_(None), Job.run_after <= now)


def claim(job_id: str, token: str, now: datetime) -> bool:
    """Take a queued job for this run; False if another run has it, or it is over or not due."""
    taken = db.session.execute(
        update(Job).where(Job.id == job_id, Job.status == QUEUED, _due(now)).values(
            status=RUNNING, runner=token, heartbeat_at=now, run_after=None,
            attempts=Job.attempts + 1, started_at=db.func.coalesce(Job.started_at, now))
        .execution_options(synchronize_session=False))
    db.session.commit()
    return taken.rowcount == 1


class ClaimLost(Exception):
    """Another run took the job over (this one went silent long enough to be thought dead):
    what this run was about to record is rolled back, and it stops."""


def keep_progress(job_id: str, token: str, **values) -> None:
    """Record a job's progress (in the transaction of the work it reports), only while this
    run (`token`: the job's `runner` when the handler began) still holds the job; raise
    ClaimLost, writing nothing, when it does not."""
    kept = db.session.execute(
        update(Job).where(Job.id == job_id, Job.runner == token)
        .values(heartbeat_at=utcnow(), **values).execution_options(synchronize_session=False))
    if kept.rowcount != 1:
        raise ClaimLost(job_id)


def run(job_id: str) -> None:
    """Run a queued job to its end; a failure is retried later or recorded, never raised."""
    token = secrets.token_hex(16)
    if not claim(job_id, token, utcnow()):
        return
    job = db.session.get(Job, job_id)
    db.session.refresh(job)
    kind = job.kind
    with heartbeat(job_id, token):
        try:
            KINDS[kind].run(job)
            keep_progress(job_id, token, status=FINISHED, finished_at=utcnow(), runner=None,
                          error=None)
            db.session.commit()
        except ClaimLost:
            db.session.rollback()
            log.warning("job %s (%s): taken over by another run; this one stops", job_id, kind)
        except Exception as error:  # the job's page reports it; the log keeps the traceback
            log.exception("job %s (%s) failed", job_id, kind)
            db.session.rollback()
            _failed(job_id, token, f"{type(error).__name__}: {error}"[:2000])


def _failed(job_id: str, token: str, reason: str) -> None:
    """After a run raised: try again later while attempts are left, else mark the job failed
    (unless another run took the job over meanwhile)."""
    timing, now = Timing.of(current_app), utcnow()
    attempts = db.session.scalar(select(Job.attempts).where(Job.id == job_id,
                                                            Job.runner == token))
    if attempts is None:
        db.session.rollback()
        return
    values = ({"status": FAILED, "finished_at": now} if attempts >= timing.max_attempts else
              {"status": QUEUED, "run_after": now + timing.pause(attempts)})
    db.session.execute(update(Job).where(Job.id == job_id, Job.runner == token)
                       .values(error=reason, runner=None, **values)
                       .execution_options(synchronize_session=False))
    db.session.commit()


@contextmanager
def heartbeat(job_id: str, token: str) -> Iterator[None]:
    """Beat the job's heartbeat from a thread while the work goes on (the work itself may spend
    minutes in one step). Inline jobs (tests) run inside the request and need none."""
    app = current_app._get_current_object()
    if mode(app) == "inline":
        yield
        return
    engine, every, stop = db.engine, Timing.of(app).heartbeat, threading.Event()

    def beat():
        while not stop.wait(every):
            try:
                with engine.begin() as connection:
                    connection.execute(update(Job).where(Job.id == job_id, Job.runner == token)
                                       .values(heartbeat_at=utcnow()))
            except Exception as error:  # noqa: BLE001 - a database restart: beat again later
                log.warning("job %s: heartbeat not recorded (%s)", job_id, error)

    thread = threading.Thread(target=beat, daemon=True, name=f"campus-beat-{job_id[:8]}")
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def retry(job: Job) -> bool:
    """Queue a failed job again with fresh attempts (a coordinator's "retry"); False unless it
    had failed. The caller commits, then hands it over with `start`."""
    if job.status != FAILED:
        return False
    job.status, job.attempts, job.run_after, job.finished_at = QUEUED, 0, None, None
    job.heartbeat_at, job.runner = utcnow(), None
    return True


def is_stalled(job: Job, now: datetime) -> bool:
    """A running job whose runner stopped beating (it will be taken up again)."""
    stale = timedelta(seconds=Timing.of(current_app).stale)
    return job.status == RUNNING and (job.heartbeat_at is None or job.heartbeat_at < now - stale)


def _stopped_running(stale_before: datetime):
    return and_(Job.status == RUNNING,
                or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < stale_before))


def _waiting_for_nobody(now: datetime, stale_before: datetime):
    """Queued jobs that no runner will pick up by itself: a retry whose pause is over, or one
    handed out long ago (its process died before it began, or the queue lost it)."""
    return and_(Job.status == QUEUED, or_(
        Job.run_after <= now,
        and_(Job.run_after.is_(None),
             or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < stale_before))))


def sweep(now: datetime | None = None) -> list[str]:
    """Take up the jobs whose runner stopped and the retries that are due; return the ids handed
    out. Reads first, and writes only when something needs taking up."""
    now = now or utcnow()
    timing = Timing.of(current_app)
    stale_before = now - timedelta(seconds=timing.stale)
    with reading():
        found = db.session.scalar(select(Job.id).where(or_(
            _stopped_running(stale_before), _waiting_for_nobody(now, stale_before))).limit(1))
        db.session.commit()
    if found is None:
        return []
    db.session.execute(update(Job).where(_stopped_running(stale_before),
                                         Job.attempts >= timing.max_attempts)
                       .values(status=FAILED, finished_at=now, runner=None, error=STOPPED)
                       .execution_options(synchronize_session=False))
    db.session.execute(update(Job).where(_stopped_running(stale_before))
                       .values(status=QUEUED, runner=None, run_after=None, heartbeat_at=None)
                       .execution_options(synchronize_session=False))
    picked = []
    for job_id in db.session.scalars(select(Job.id).where(
            _waiting_for_nobody(now, stale_before)).order_by(Job.created_at).limit(20)).all():
        handed = db.session.execute(
            update(Job).where(Job.id == job_id, _waiting_for_nobody(now, stale_before))
            .values(heartbeat_at=now, run_after=None)
            .execution_options(synchronize_session=False))
        if handed.rowcount:
            picked.append(job_id)
    db.session.commit()
    for job_id in picked:
        log.info("job %s taken up again", job_id)
        start(job_id)
    return picked


def expire(kept_days: int, now: datetime | None = None) -> int:
    """Remove what jobs finished more than `kept_days` ago left to download; return how many
    jobs had some. Their rows stay (what they did is still listed)."""
    cutoff = (now or utcnow()) - timedelta(days=kept_days)
    with reading():
        old = db.session.scalars(select(Job).where(
            Job.status.in_((FINISHED, FAILED)), Job.finished_at < cutoff)).all()
        db.session.commit()
    expired = 0
    for job in old:
        kind = KINDS.get(job.kind)
        if kind and kind.expire and (job.result or {}).get("expired") is None:
            try:
                kind.expire(job)
            except OSError as error:  # one unreadable file must not hold the others back
                log.warning("job %s: old downloads not removed (%s)", job.id, error)
                continue
            job.result = {**(job.result or {}), "expired": True}
            expired += 1
    db.session.commit()
    return expired
