"""The bulk job of the certificates benchmark, run as production runs it, with each batch's
drafting, rendering and storing timed apart; then the job's page and downloads."""
from __future__ import annotations

import cProfile
import os
import resource
import sys
from dataclasses import dataclass

from bench.certificates_seed import PUBLIC_URL, Seeded
from bench.certificates_single import Series, counting_statements
from bench.certificates_watch import MemorySampler, SerialLockProbe, bench_backends
from bench.measures import cpu_seconds, machine_busy, now, postgres_cpu, proc_status, reset_peak_rss


@dataclass
class Batch:
    start: float  # drafting starts
    render_start: float = 0.0  # drafted and handed to the renderers
    render_end: float = 0.0  # its PDFs are back (the job drafted the next batch meanwhile)
    end: float = 0.0  # kept
    issued: int = 0
    waited: float = 0.0  # how long the job waited for its PDFs, doing nothing else


@dataclass
class BulkRun:
    job_id: str
    status: str
    error: str | None
    result: dict
    workers: int
    issuing_s: float
    downloads_s: float
    total_s: float
    batches: list[Batch]
    statements: int
    download_statements: int
    main_peak_kib: int
    main_start_kib: int
    main_end_kib: int
    main_before_downloads_kib: int
    peak_was_reset: bool
    worker_rss: dict[int, tuple[int, int, int]]  # pid: (after the first batch, last, VmHWM)
    cpu: dict[str, float]
    lock_waits: list[float]
    lock_failures: list[tuple[float, str]]


def run_bulk(app, seeded: Seeded, profile: str | None, lock_probe: bool) -> BulkRun:
    """The bulk job as production runs it: create_job, commit, runner.run in an app context."""
    from academy.certificates import bulk
    from academy.extensions import db
    from academy.jobs import runner
    from academy.jobs.models import Job

    batches: list[Batch] = []
    marks: dict[str, float] = {}
    draft_batch, keep_batch, build_downloads = bulk._draft, bulk._keep, bulk.build_downloads
    drafting: list[Batch] = []

    # The job drafts a batch, hands it to the renderers, then keeps the batch before it while
    # this one is drawn: time each step where it happens.
    def timed_draft(job_id, payload, enrolment_ids):
        batch = Batch(now())
        drafts = draft_batch(job_id, payload, enrolment_ids)
        batch.render_start = now()
        drafting.append(batch)
        return drafts

    def timed_keep(job_id, payload, waiting):
        batch = drafting[len(batches)]
        wait_from = now()
        pdfs = waiting.pdfs() if waiting.drafts else []
        batch.waited, batch.render_end = now() - wait_from, now()
        waiting.pdfs = lambda: pdfs
        made = keep_batch(job_id, payload, waiting)
        batch.end, batch.issued = now(), made
        batches.append(batch)
        return made

    def timed_build_downloads(job_id, *args):
        marks["downloads"] = now()
        marks["statements_before_downloads"] = statements[0]
        try:
            return build_downloads(job_id, *args)
        finally:
            marks["downloads_end"] = now()

    with app.app_context():
        job = runner.create_job(bulk.KIND, owner_id=seeded.coordinator_id,
                                total=len(seeded.bulk),
                                payload={"enrolment_ids": seeded.bulk,
                                         "actor_id": seeded.coordinator_id,
                                         "base_url": PUBLIC_URL})
        db.session.commit()
        job_id = job.id
        workers = bulk.workers()
        processes = max(1, min(workers, len(seeded.bulk) // bulk.POOL_THRESHOLD))
        db.session.remove()
    statements = [0]
    sampler = MemorySampler()
    lock_probe = SerialLockProbe(app) if lock_probe else None
    bulk._draft, bulk._keep, bulk.build_downloads = timed_draft, timed_keep, \
        timed_build_downloads
    profiler = cProfile.Profile() if profile else None
    try:
        with counting_statements(app, statements):
            main_start = proc_status("self").get("VmRSS", 0)
            peak_was_reset = reset_peak_rss()
            busy_before, cpu_self = machine_busy(), resource.getrusage(resource.RUSAGE_SELF)
            cpu_children = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu_postgres = postgres_cpu()
            sampler.start()
            if lock_probe:
                lock_probe.start()
            started = now()
            with app.app_context():
                try:
                    if profiler:
                        profiler.enable()
                    runner.run(job_id)
                finally:
                    if profiler:
                        profiler.disable()
                    db.session.remove()
            ended = now()
            sampler.stop()
            if lock_probe:
                lock_probe.stop()
            busy_after = machine_busy()
    finally:
        bulk._draft, bulk._keep, bulk.build_downloads = draft_batch, keep_batch, \
            build_downloads
    main_peak = proc_status("self").get("VmHWM", 0)
    after_self = resource.getrusage(resource.RUSAGE_SELF)
    after_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = {"main": (after_self.ru_utime + after_self.ru_stime)
           - (cpu_self.ru_utime + cpu_self.ru_stime),
           "workers": (after_children.ru_utime + after_children.ru_stime)
           - (cpu_children.ru_utime + cpu_children.ru_stime),
           # The backends of the bench's database (pooled, so still there at the end).
           "postgres": sum(cpu_seconds([pid]) - cpu_postgres.get(pid, 0.0)
                           for pid in bench_backends(app)),
           "machine_busy": ((busy_after[0] - busy_before[0])
                            / max(1, busy_after[1] - busy_before[1])),
           "wall": ended - started}
    # Everything else the machine did meanwhile (other people's work on a shared machine).
    cpu["others"] = max(0.0, (busy_after[0] - busy_before[0]) / os.sysconf("SC_CLK_TCK")
                        - cpu["main"] - cpu["workers"] - cpu["postgres"])
    if profiler:
        profiler.dump_stats(profile)
    first_batch_end = batches[0].end if batches else started
    worker_rss = {}
    for pid in {who for _t, who, _r in sampler.samples if who != os.getpid()}:
        series = sampler.series(pid)
        after_first = next((rss for moment, rss in series if moment >= first_batch_end),
                           series[-1][1])
        worker_rss[pid] = (after_first, series[-1][1], sampler.peaks.get(pid, 0))
    main_series = sampler.series(os.getpid())
    downloads_from = marks.get("downloads", ended)
    main_before_downloads = next((rss for moment, rss in reversed(main_series)
                                  if moment <= downloads_from), 0)
    with app.app_context():
        job = db.session.get(Job, job_id)
        status, error, result = job.status, job.error, dict(job.result or {})
        db.session.remove()
    downloads_at = marks.get("downloads", ended)
    return BulkRun(
        job_id=job_id, status=status, error=error, result=result, workers=processes,
        issuing_s=downloads_at - started,
        downloads_s=marks.get("downloads_end", ended) - downloads_at, total_s=ended - started,
        batches=batches, statements=int(marks.get("statements_before_downloads", statements[0])),
        download_statements=statements[0] - int(marks.get("statements_before_downloads",
                                                          statements[0])),
        main_peak_kib=main_peak, main_start_kib=main_start,
        main_end_kib=main_series[-1][1] if main_series else 0,
        main_before_downloads_kib=main_before_downloads, peak_was_reset=peak_was_reset,
        worker_rss=worker_rss, cpu=cpu, lock_waits=lock_probe.waits if lock_probe else [],
        lock_failures=lock_probe.failures if lock_probe else [])


def bulk_pages(app, seeded: Seeded, job_id: str, runs: int = 5) -> list[Series]:
    """The coordinator's pages once the job is over: the job page (a row per certificate) and
    the two downloads, through the test client."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = seeded.token
        session["_fresh"] = True
    found = []
    for name, path in ((f"GET job page once over ({len(seeded.bulk):,} rows)",
                        f"/certificates/jobs/{job_id}"),
                       ("GET the zip", f"/certificates/jobs/{job_id}/certificates.zip"),
                       ("GET the merged PDF", f"/certificates/jobs/{job_id}/certificates.pdf")):
        series = Series(name)
        for _ in range(runs):
            started = now()
            response = client.get(path)
            response.get_data()
            series.ms.append((now() - started) * 1000)
            if response.status_code != 200:
                sys.exit(f"GET {path}: {response.status_code}")
        found.append(series)
    return found
