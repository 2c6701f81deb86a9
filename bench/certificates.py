"""Certificates: one certificate end to end, and a bulk job of 1,000 on this machine.

Seeds an academy (with a logo), the Nelson Mandela Rules course from `courses/` (titles in es,
pt, fr, en and it; 11 hours) and trainees with accented names spread over the five languages,
each with a completed enrolment. Then:

1. one certificate, from issuing to holding its PDF bytes, `--runs` times: in-process
   (`issuing.issue_certificate` in a request context, commit, read the stored file) and over
   HTTP with Flask's test client (a coordinator posts /certificates/issue for one enrolment,
   follows the job page until it is over, downloads the PDF), next to a bare Flask page
   measured with the same kind of client in the same run;
2. a bulk job of `--trainees` certificates run as production runs it (`runner.create_job`, then
   `runner.run` in an app context: the job handler with its process pool), timing the issuing
   batches and `build_downloads` (zip and merged PDF) apart, with the main process's and the
   worker processes' memory sampled from /proc;
   Meanwhile another transaction reserves a serial every 0.5 s and rolls back: its wait is
   what any other issuer waits while the job runs. Afterwards, the job page and both downloads
   through the test client;
3. checks: as many certificates as enrolments, distinct serials and codes, every stored PDF's
   SHA-256 and size as recorded, the trainee's name (accents included) and serial extracted by
   pypdf from a sample, the zip's and the merged PDF's counts;
4. renderer probes, each in a fresh process on the same documents: as configured, without
   HarfBuzz's subsetter (WeasyPrint's fontTools fallback) and with a new FontConfiguration per
   PDF (WeasyPrint's default).

Target: 1,000 certificates in under a minute on this 2-core machine.
"""
from __future__ import annotations

import argparse
import pstats
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from bench.certificates_bulk import bulk_pages, run_bulk  # noqa: E402
from bench.certificates_checks import verify  # noqa: E402
from bench.certificates_probes import run_probes  # noqa: E402
from bench.certificates_report import report  # noqa: E402
from bench.certificates_seed import PUBLIC_URL, seed  # noqa: E402
from bench.certificates_single import baseline_series, single_in_process, single_over_http  # noqa: E402
from bench.databases import bench_base, create_database, dispose, drop_database  # noqa: E402
from bench.measures import now  # noqa: E402
from tests.support import make_app, upgrade_schema  # noqa: E402

BENCH_DATABASE = "campus_bench_certificates"

# --- Main --------------------------------------------------------------------------------------

def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, default=1000,
                        help="certificates in the bulk job (default 1000)")
    parser.add_argument("--runs", type=int, default=40,
                        help="single certificates measured in-process and over HTTP (default 40)")
    parser.add_argument("--workers", type=int, default=None,
                        help="CERTIFICATE_WORKERS for the bulk job (default: the app's, one per "
                             "core; 1 renders in the job's own process)")
    parser.add_argument("--poll", type=float, default=0.02,
                        help="seconds between two polls of the job page (default 0.02)")
    parser.add_argument("--probe-renders", type=int, default=20,
                        help="PDFs per renderer probe; 0 skips the probes (default 20)")
    parser.add_argument("--no-http", action="store_true", help="skip the HTTP series")
    parser.add_argument("--no-lock-probe", action="store_true",
                        help="do not time another issuer's wait for the serial counter during "
                             "the bulk job")
    parser.add_argument("--profile", metavar="FILE",
                        help="cProfile the bulk job's process into FILE and print its top lines")
    parser.add_argument("--sqlite", action="store_true", help="an SQLite file instead")
    parser.add_argument("--keep", action="store_true",
                        help="keep the database and the folder of PDFs, and print where they are")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    wall = now()
    tmp = Path(tempfile.mkdtemp(prefix="campus-bench-certificates-"))
    base = bench_base(args.sqlite)
    url = create_database(base, tmp, BENCH_DATABASE)
    overrides = {"TESTING": False, "PUBLIC_URL": PUBLIC_URL, "JOB_MODE": "thread"}
    if args.workers:
        overrides["CERTIFICATE_WORKERS"] = args.workers
    app = make_app(url, tmp, **overrides)
    try:
        upgrade_schema(app)
        started = now()
        seeded = seed(app, args)
        seeded_in = now() - started
        print(f"Seeded in {seeded_in:.1f} s; one certificate at a time ({args.runs} runs "
              f"in-process)...", file=sys.stderr, flush=True)
        baseline = baseline_series(max(args.runs, 200))
        direct_renders: list[float] = []
        direct, made = single_in_process(app, seeded, direct_renders)
        http = None
        if not args.no_http:
            print(f"... and {args.runs} over HTTP (test client, job in a thread)...",
                  file=sys.stderr, flush=True)
            http = single_over_http(app, seeded, args.poll)
        print(f"Bulk job of {len(seeded.bulk):,} certificates...", file=sys.stderr, flush=True)
        run = run_bulk(app, seeded, args.profile, not args.no_lock_probe)
        print(f"Job {run.status} in {run.total_s:.1f} s; checking...", file=sys.stderr,
              flush=True)
        verdict = verify(app, run, len(seeded.bulk), sample_size=10)
        pages = bulk_pages(app, seeded, run.job_id) if run.status == "finished" else []
        probes = []
        if args.probe_renders > 0:
            print("Renderer probes...", file=sys.stderr, flush=True)
            probes = run_probes(app, made, args.probe_renders)
        lines = report(args, url, seeded_in, baseline, direct, direct_renders, http, run,
                       verdict, pages, probes)
        print("\n".join(lines))
        if args.profile:
            print(f"\n### cProfile of the job process (top 30 by cumulative time; {args.profile})"
                  "\n\n```")
            stats = pstats.Stats(args.profile, stream=sys.stdout)
            stats.sort_stats("cumulative").print_stats(30)
            print("```")
        print(f"\nwall time of the benchmark: {now() - wall:.0f} s")
    finally:
        dispose(app)
        if args.keep:
            print(f"kept: database {url}, files in {tmp}")
        else:
            drop_database(url, base, BENCH_DATABASE)
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
