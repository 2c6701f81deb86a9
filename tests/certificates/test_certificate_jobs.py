"""Bulk issuance as it runs for real: in a background thread, on an RQ worker over Redis, with
the renderer's worker processes; and serials under concurrent issuers. These tests build apps
of their own on committed databases, so they run outside the per-test transaction."""
from __future__ import annotations

import secrets
import threading
import time
import zipfile
from datetime import timedelta

import pytest
from pypdf import PdfReader
from rq import SimpleWorker
from sqlalchemy import func, select

from academy import storage
from academy.accounts import operations as account_ops
from academy.academies import operations as academy_ops
from academy.certificates import bulk, serials
from academy.certificates.models import Certificate
from academy.db import utcnow
from academy.enrolment import operations as enrolment_ops
from academy.enrolment.models import COMPLETED
from academy.extensions import db
from academy.jobs import queries as job_queries
from academy.jobs import runner
from academy.jobs.models import FINISHED
from tests.support import (drop_fresh_database, fresh_database_url, is_postgres, local_redis,
                           make_app, upgrade_schema)

pytestmark = pytest.mark.no_transaction


@pytest.fixture
def committed_app(tmp_path):
    url = fresh_database_url(tmp_path)
    apps = []

    def _make(**overrides):
        app = make_app(url, tmp_path, **overrides)
        if not apps:
            upgrade_schema(app)
        apps.append(app)
        return app

    yield _make
    for app in apps:
        with app.app_context():
            db.engine.dispose()
    drop_fresh_database(url)


def _graduates(app, n: int) -> tuple[list[int], int]:
    """A published course and n trainees who completed it; returns (enrolment ids, owner id)."""
    from academy.curricula import operations as course_ops
    from academy.packages import operations as package_ops
    from tests.factories.packages import sample_package

    with app.test_request_context():
        academy = academy_ops.create_academy(slug="cep-madrid", names={"es": "CEP"},
                                             country="ES", default_locale="es")
        course = package_ops.import_package(sample_package(), academy=academy)
        course_ops.publish_course(course)
        coordinator, _ = account_ops.create_user(username="coord", display_name="Coordinación",
                                                 password="not-used-here-123",
                                                 network_roles=["coordinator"])
        ids = []
        for i in range(n):
            person, _ = account_ops.create_user(
                username=f"graduado{i}", display_name=f"Graduada Ñandú {i}", academy=academy,
                password="not-used-here-123", roles=["trainee"], locale="es")
            enrolment = enrolment_ops.enrol_by_staff(person, course)
            enrolment.status = COMPLETED
            enrolment.completed_at = utcnow() - timedelta(days=3)
            db.session.flush()
            ids.append(enrolment.id)
        db.session.commit()
        return ids, coordinator.id


def _start(app, ids: list[int], owner_id: int) -> str:
    with app.test_request_context():
        job = runner.create_job(bulk.KIND, owner_id=owner_id, total=len(ids),
                                payload={"enrolment_ids": ids, "actor_id": owner_id,
                                         "base_url": "https://campus.example.org"})
        db.session.commit()
        runner.start(job.id)
        return job.id


def _wait(app, job_id: str, seconds: float = 120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with app.app_context():
            job = job_queries.job(job_id)
            if job.is_over:
                return job.status, dict(job.result), job.error
        time.sleep(0.2)
    raise AssertionError("the job did not finish in time")


def _check_downloads(app, result: dict, n: int) -> None:
    with app.app_context():
        archive = zipfile.ZipFile(storage.stored_path(bulk.DOWNLOADS, result["zip"], ".zip"))
        assert len(archive.namelist()) == n
        merged = PdfReader(storage.stored_path(bulk.DOWNLOADS, result["pdf"], ".pdf"))
        assert len(merged.pages) == n
        assert "Graduada Ñandú" in merged.pages[0].extract_text()
        serial_list = db.session.scalars(select(Certificate.serial)).all()
        assert len(serial_list) == len(set(serial_list)) == n


def test_a_bulk_job_runs_in_a_thread_with_renderer_processes(committed_app, monkeypatch):
    app = committed_app(JOB_MODE="thread", CERTIFICATE_WORKERS=2)
    # Two renderer processes from 20 certificates on (production: from 80), and two batches:
    # the second is drafted while the first is drawn.
    monkeypatch.setattr(bulk, "POOL_THRESHOLD", 10)
    pools = []

    class SeenPool(bulk.ProcessPoolExecutor):  # the real pool, noting how many processes
        def __init__(self, *args, **kwargs):
            pools.append(kwargs["max_workers"])
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(bulk, "ProcessPoolExecutor", SeenPool)
    ids, owner = _graduates(app, 30)
    status, result, error = _wait(app, _start(app, ids, owner))
    assert (status, error) == (FINISHED, None)
    assert pools == [2]
    assert result["issued"] == 30 and result["skipped"] == 0
    _check_downloads(app, result, 30)


def test_a_bulk_job_skips_who_already_has_a_certificate(committed_app):
    app = committed_app(JOB_MODE="thread", CERTIFICATE_WORKERS=1)
    ids, owner = _graduates(app, 4)
    assert _wait(app, _start(app, ids[:2], owner))[1]["issued"] == 2
    status, result, _error = _wait(app, _start(app, ids, owner))
    assert status == FINISHED and (result["issued"], result["skipped"]) == (2, 2)


class BurstWorker(SimpleWorker):
    """`flask jobs worker`'s SimpleWorker, listening for no commands (kill, stop): a burst run
    here takes none. Its command listener is a redis-py pubsub thread that rq 3.0 stops after
    unsubscribing; when the thread reads the unsubscription first, it waits its whole 60-second
    poll for a subscription before it notices the stop (a minute added to the run)."""

    def subscribe(self) -> None:
        pass


def test_a_bulk_job_runs_on_an_rq_worker(committed_app):
    url = local_redis(14)
    app = committed_app(REDIS_URL=url, REDIS_PREFIX=f"campus-test:{secrets.token_hex(4)}:",
                        JOB_MODE=None, CERTIFICATE_WORKERS=1,
                        JOB_QUEUE=f"campus-test-{secrets.token_hex(4)}")
    assert runner.mode(app) == "rq"
    queue = runner.queue(app)
    queue.empty()
    ids, owner = _graduates(app, 3)
    job_id = _start(app, ids, owner)
    with app.app_context():
        assert job_queries.job(job_id).status == "queued"  # waiting for a worker
        db.session.remove()
    with app.app_context():
        BurstWorker([queue], connection=queue.connection).work(burst=True)
    status, result, error = _wait(app, job_id, 5)
    assert (status, error, result["issued"]) == (FINISHED, None, 3)
    _check_downloads(app, result, 3)


def test_concurrent_issuers_never_share_a_serial(committed_app):
    if not is_postgres():
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    apps = [committed_app() for _ in range(6)]
    year, per_worker = 2040, 25
    got: list[list[str]] = [[] for _ in apps]
    barrier = threading.Barrier(len(apps))

    def reserve(index: int) -> None:
        with apps[index].app_context():
            barrier.wait()
            for _ in range(per_worker):
                got[index].extend(serials.next_serials(year, 2))
                db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=reserve, args=(i,)) for i in range(len(apps))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [serial for chunk in got for serial in chunk]
    assert len(every) == len(set(every)) == len(apps) * per_worker * 2
    with apps[0].app_context():
        assert serials.last_serial_number(year) == len(every)
        assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0
