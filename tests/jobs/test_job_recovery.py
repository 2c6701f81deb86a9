"""Jobs that finish (issue 16): a job whose runner dies is taken up again from where it stopped,
a job that fails is retried later and finally marked failed with its reason, a coordinator can
start it again, a queue that cannot be reached does not strand a job, and old downloads go."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from academy import storage
from academy.certificates import bulk
from academy.certificates.models import Certificate
from academy.db import utcnow
from academy.extensions import db
from academy.jobs import runner
from academy.jobs.models import FAILED, FINISHED, QUEUED, RUNNING, Job
from tests.factories.jobs import (
    committed_app_fixture,  # noqa: F401 - a fixture
    graduates,
    start_bulk_issue,
    wait_for_job,
)

ROOT = Path(__file__).resolve().parents[2]
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _worker_env(app) -> dict:
    env = dict(os.environ)
    env.update(ACADEMY_DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               ACADEMY_UPLOAD_DIR=app.config["UPLOAD_DIR"],
               ACADEMY_SECRET_KEY=app.config["SECRET_KEY"],
               ACADEMY_JOB_MODE="thread", ACADEMY_CERTIFICATE_WORKERS="1",
               ACADEMY_JOB_HEARTBEAT_SECONDS="1", PYTHONPATH=str(ROOT))
    return env


@pytest.mark.no_transaction
def test_a_job_whose_runner_is_killed_is_taken_up_again_with_no_certificate_lost_or_doubled(
        committed_app):  # noqa: F811
    app = committed_app(JOB_MODE="thread", CERTIFICATE_WORKERS=1, JOB_STALE_SECONDS=5)
    ids, owner = graduates(app, 56)
    with app.test_request_context():
        job = runner.create_job(bulk.KIND, owner_id=owner, total=len(ids), payload={
            "enrolment_ids": ids, "actor_id": owner, "base_url": "https://campus.example.org"})
        db.session.commit()
        job_id = job.id
    # The job's runner is another process, killed outright once it has kept its first batch.
    code = ("from academy import create_app; from academy.jobs.runner import run_in_app; "
            f"run_in_app(create_app(), {job_id!r})")
    process = subprocess.Popen([sys.executable, "-c", code], env=_worker_env(app), cwd=ROOT)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with app.app_context():
                found = db.session.get(Job, job_id)
                done, status = found.done, found.status
                db.session.remove()
            if done >= bulk.BATCH or process.poll() is not None:
                break
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        process.wait()
    finally:
        if process.poll() is None:
            process.kill()
    with app.app_context():  # as the runner left it when it was killed
        found = db.session.get(Job, job_id)
        status, done = found.status, found.done
        kept_before = db.session.scalar(select(func.count()).select_from(Certificate))
        assert runner.sweep() == []  # its heartbeat is recent: nobody takes it up yet
        db.session.remove()
    assert status == RUNNING and bulk.BATCH <= done < len(ids), "killed before the end"
    assert kept_before == done  # each batch was kept with the progress that counts it
    time.sleep(5.5)
    with app.test_request_context():
        page_job = db.session.get(Job, job_id)
        assert runner.is_stalled(page_job, utcnow())
        assert runner.sweep() == [job_id]
    status, result, error = wait_for_job(app, job_id)
    assert (status, error) == (FINISHED, None)
    assert (result["issued"], result["skipped"]) == (56, 0)
    with app.app_context():
        rows = db.session.execute(select(Certificate.user_id, Certificate.serial)).all()
        assert len(rows) == 56 == len({user for user, _ in rows}) == len({s for _, s in rows})
        archive = zipfile.ZipFile(storage.stored_path(bulk.DOWNLOADS, result["zip"], ".zip"))
        assert len(archive.namelist()) == 56
        assert db.session.get(Job, job_id).attempts == 2


def test_a_run_that_lost_its_job_to_another_run_writes_nothing_more(app_ctx):
    """A run thought dead (frozen past the stale time) comes back after another took its job."""
    from sqlalchemy import update

    def run(job):
        token = job.runner
        # Meanwhile the sweep handed the job out again and another run claimed it.
        db.session.execute(update(Job).where(Job.id == job.id).values(runner="another-run"))
        db.session.commit()
        runner.keep_progress(job.id, token, done=1, result={"issued": 1})

    runner.register("test.frozen", run)
    try:
        job = runner.create_job("test.frozen", owner_id=None, payload={}, total=1)
        db.session.commit()
        runner.start(job.id)
        db.session.refresh(job)
        assert (job.status, job.runner, job.done, job.result, job.error) == (
            RUNNING, "another-run", 0, {}, None)
    finally:
        runner.KINDS.pop("test.frozen")


@pytest.fixture
def flaky(app):
    """A kind of job that fails its first `failures[0]` runs."""
    failures = [2]
    runs = []

    def run(job):
        runs.append(job.id)
        if len(runs) <= failures[0]:
            raise RuntimeError(f"renderer crashed on run {len(runs)}")
        job.result = {"runs": len(runs)}

    runner.register("test.flaky", run)
    yield failures
    runner.KINDS.pop("test.flaky")


def test_a_failing_job_is_retried_later_each_pause_longer_then_marked_failed(app_ctx, flaky):
    flaky[0] = 5
    job = runner.create_job("test.flaky", owner_id=None, payload={}, total=1)
    db.session.commit()
    runner.start(job.id)  # inline in tests: the first attempt runs now
    db.session.refresh(job)
    assert (job.status, job.attempts) == (QUEUED, 1)
    assert job.error == "RuntimeError: renderer crashed on run 1"
    first_pause = job.run_after - utcnow()
    assert timedelta(seconds=25) < first_pause <= timedelta(seconds=30)
    assert runner.sweep() == []  # not due yet
    assert runner.sweep(utcnow() + timedelta(seconds=31)) == [job.id]
    db.session.refresh(job)
    assert (job.status, job.attempts) == (QUEUED, 2)
    assert timedelta(seconds=55) < job.run_after - utcnow() <= timedelta(seconds=60)
    assert runner.sweep(utcnow() + timedelta(seconds=61)) == [job.id]
    db.session.refresh(job)
    assert (job.status, job.attempts) == (FAILED, 3)
    assert job.error == "RuntimeError: renderer crashed on run 3" and job.finished_at
    assert runner.sweep(utcnow() + timedelta(hours=1)) == []  # failed is final


def test_a_job_that_recovers_on_its_second_attempt_finishes(app_ctx, flaky):
    flaky[0] = 1
    job = runner.create_job("test.flaky", owner_id=None, payload={}, total=1)
    db.session.commit()
    runner.start(job.id)
    runner.sweep(utcnow() + timedelta(seconds=31))
    db.session.refresh(job)
    assert (job.status, job.attempts, job.result, job.error) == (FINISHED, 2, {"runs": 2}, None)


def test_a_runner_that_keeps_dying_ends_failed_with_that_reason(app_ctx, flaky):
    job = runner.create_job("test.flaky", owner_id=None, payload={}, total=1)
    job.status, job.attempts = RUNNING, 3
    job.heartbeat_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    assert runner.sweep() == []
    db.session.refresh(job)
    assert (job.status, job.error) == (FAILED, runner.STOPPED)


def test_a_job_handed_out_but_never_begun_is_handed_out_again(app_ctx, flaky):
    """The process that queued it died before its thread began (or the queue lost it)."""
    flaky[0] = 0
    job = runner.create_job("test.flaky", owner_id=None, payload={}, total=1)
    db.session.commit()
    assert runner.sweep() == []  # just queued: its runner may still be starting
    assert runner.sweep(utcnow() + timedelta(seconds=61)) == [job.id]
    db.session.refresh(job)
    assert job.status == FINISHED


def _failed_bulk_job(owner, error="OSError: No space left on device") -> Job:
    job = runner.create_job(bulk.KIND, owner_id=owner.id, total=0, payload={
        "enrolment_ids": [], "actor_id": owner.id, "base_url": "https://campus.example.org"})
    job.status, job.attempts, job.error, job.finished_at = FAILED, 3, error, utcnow()
    db.session.commit()
    return job


def test_a_coordinator_sees_why_a_job_failed_and_starts_it_again(client, login_as, app_ctx):
    from academy.accounts import operations as account_ops

    owner, _ = account_ops.create_user(username="coord.jobs", display_name="Coordinación",
                                       password="not-used-here-123",
                                       network_roles=["coordinator"])
    job = _failed_bulk_job(owner)
    login_as(owner)
    page = client.get(f"/certificates/jobs/{job.id}").get_data(as_text=True)
    assert "The job stopped before the end" in page
    assert "OSError: No space left on device" in page
    assert "Try again" in page and 'http-equiv="refresh"' not in page
    token = CSRF_RE.search(page).group(1)
    response = client.post(f"/certificates/jobs/{job.id}/retry", data={"csrf_token": token})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The job was started again" in page
    assert "0 certificates issued." in page
    db.session.refresh(job)
    assert (job.status, job.attempts) == (FINISHED, 1)
    # A finished job cannot be "retried" into a second run.
    client.post(f"/certificates/jobs/{job.id}/retry", data={"csrf_token": token})
    db.session.refresh(job)
    assert (job.status, job.attempts) == (FINISHED, 1)


def test_a_stalled_job_says_it_will_be_taken_up_again(client, login_as, app_ctx):
    from academy.accounts import operations as account_ops

    owner, _ = account_ops.create_user(username="coord.stall", display_name="Coordinación",
                                       password="not-used-here-123",
                                       network_roles=["coordinator"])
    job = runner.create_job(bulk.KIND, owner_id=owner.id, total=56, payload={})
    job.status, job.done, job.heartbeat_at = RUNNING, 24, utcnow() - timedelta(minutes=3)
    db.session.commit()
    login_as(owner)
    page = client.get(f"/certificates/jobs/{job.id}").get_data(as_text=True)
    assert "24 of 56 processed" in page
    assert "The process doing the work stopped" in page


def test_old_downloads_are_removed_and_the_page_says_so(client, login_as, app_ctx, app):
    from academy.accounts import operations as account_ops

    owner, _ = account_ops.create_user(username="coord.old", display_name="Coordinación",
                                       password="not-used-here-123",
                                       network_roles=["coordinator"])
    with app.test_request_context():
        digest = storage.store(bulk.DOWNLOADS, b"PK old zip", ".zip")
        recent = storage.store(bulk.DOWNLOADS, b"PK recent zip", ".zip")
    jobs = []
    for days, kept in ((8, digest), (2, recent)):
        job = runner.create_job(bulk.KIND, owner_id=owner.id, total=1, payload={})
        job.status, job.finished_at = FINISHED, utcnow() - timedelta(days=days)
        job.result = {"issued": 1, "skipped": 0, "zip": kept}
        jobs.append(job)
    db.session.commit()
    assert runner.expire(7) == 1
    assert runner.expire(7) == 0  # once
    with app.test_request_context():
        assert storage.stored_path(bulk.DOWNLOADS, digest, ".zip") is None
        assert storage.stored_path(bulk.DOWNLOADS, recent, ".zip") is not None
    login_as(owner)
    page = client.get(f"/certificates/jobs/{jobs[0].id}").get_data(as_text=True)
    assert "those of this job were removed" in page and "Download all" not in page
    assert client.get(f"/certificates/jobs/{jobs[0].id}/certificates.zip").status_code == 404
    assert "Download all" in client.get(f"/certificates/jobs/{jobs[1].id}").get_data(as_text=True)


@pytest.mark.no_transaction
def test_an_unreachable_queue_runs_the_job_here_instead(committed_app):  # noqa: F811
    app = committed_app(REDIS_URL="redis://127.0.0.1:9/0", JOB_MODE=None,
                        CERTIFICATE_WORKERS=1)
    assert runner.mode(app) == "rq"
    ids, owner = graduates(app, 2)
    job_id = start_bulk_issue(app, ids, owner)
    status, result, error = wait_for_job(app, job_id, 60)
    assert (status, error, result["issued"]) == (FINISHED, None, 2)


@pytest.mark.no_transaction
def test_a_job_left_waiting_on_a_queue_no_worker_serves_runs_here(committed_app):  # noqa: F811
    import secrets

    from tests.support import local_redis

    app = committed_app(REDIS_URL=local_redis(13), JOB_MODE=None, CERTIFICATE_WORKERS=1,
                        REDIS_PREFIX=f"campus-test:{secrets.token_hex(4)}:",
                        JOB_QUEUE=f"campus-test-{secrets.token_hex(4)}")
    ids, owner = graduates(app, 2)
    job_id = start_bulk_issue(app, ids, owner)
    try:
        with app.app_context():
            assert db.session.get(Job, job_id).status == QUEUED  # on the queue, for a worker
            db.session.remove()
        with app.app_context():
            assert runner.sweep() == []  # a worker may yet come
            assert runner.sweep(utcnow() + timedelta(seconds=61)) == [job_id]
            db.session.remove()
        status, result, error = wait_for_job(app, job_id, 60)
        assert (status, error, result["issued"]) == (FINISHED, None, 2)
    finally:
        runner.queue(app).delete(delete_jobs=True)
