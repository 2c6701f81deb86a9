"""Bulk issuance as it runs for real: in a background thread, on an RQ worker over Redis, with
the renderer's worker processes; and serials under concurrent issuers. These tests build apps
of their own on committed databases, so they run outside the per-test transaction."""
from __future__ import annotations

import secrets
import threading
import zipfile

import pytest
from pypdf import PdfReader
from rq import SimpleWorker
from sqlalchemy import func, select

from academy import storage
from academy.certificates import bulk, serials
from academy.certificates.models import Certificate
from academy.extensions import db
from academy.jobs import queries as job_queries
from academy.jobs import runner
from academy.jobs.models import FINISHED
from tests.factories.jobs import (
    committed_app_fixture,  # noqa: F401 - a fixture
    graduates,
    start_bulk_issue,
    wait_for_job,
)
from tests.support import is_postgres, local_redis

pytestmark = pytest.mark.no_transaction


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
    ids, owner = graduates(app, 30)
    status, result, error = wait_for_job(app, start_bulk_issue(app, ids, owner))
    assert (status, error) == (FINISHED, None)
    assert pools == [2]
    assert result["issued"] == 30 and result["skipped"] == 0
    _check_downloads(app, result, 30)


def test_a_bulk_job_skips_who_already_has_a_certificate(committed_app):
    app = committed_app(JOB_MODE="thread", CERTIFICATE_WORKERS=1)
    ids, owner = graduates(app, 4)
    assert wait_for_job(app, start_bulk_issue(app, ids[:2], owner))[1]["issued"] == 2
    status, result, _error = wait_for_job(app, start_bulk_issue(app, ids, owner))
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
    ids, owner = graduates(app, 3)
    job_id = start_bulk_issue(app, ids, owner)
    with app.app_context():
        assert job_queries.job(job_id).status == "queued"  # waiting for a worker
        db.session.remove()
    with app.app_context():
        BurstWorker([queue], connection=queue.connection).work(burst=True)
    status, result, error = wait_for_job(app, job_id, 5)
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
