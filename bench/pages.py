"""Pages as users meet them (issue 14): gunicorn, wrk, signed-in sessions, beside two baselines.

Loads the demo into a database of its own (PostgreSQL by default, `--sqlite` for a file), starts
gunicorn (2 sync workers) on three apps: a bare Flask page, the floor (`bench/floor.py`: 50 ORM
rows in a Jinja layout, what any page of this stack that reads the database costs) and Campus in
production mode. Then, interleaved and repeated, `wrk` loads each baseline and each key page for a
few seconds, every connection with its own signed-in session (and its own quiz attempt for the
quiz page and the autosave). Prints, per page, the median over the repetitions of req/s, p50 and
p99 latency, server CPU per request, non-2xx responses and the ratio to the floor; then the SQL
statements each page issues, counted in-process at the demo's size and (`--large`) again after
adding 500 courses x 40 lessons and 20,000 trainees with 200,000 enrolments.

    .venv/bin/python bench/pages.py                      # PostgreSQL, 3 x 15 s per page
    .venv/bin/python bench/pages.py --sqlite             # the embedded default's database
    .venv/bin/python bench/pages.py --large              # and the statement counts at scale
    .venv/bin/python bench/pages.py --duration 5 --reps 1 --pages catalogue,course
"""
from __future__ import annotations

import argparse
import os
import secrets
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from bench.databases import bench_base, create_database, dispose, drop_database  # noqa: E402
from bench.harness import (  # noqa: E402
    BASELINE_APP,
    GunicornOptions,
    Server,
    app_env,
    session_cookie,
    start_server,
)
from bench.pages_setup import (  # noqa: E402
    argon2_rate,
    open_attempt,
    seed,
    seed_large,
    sign_in_form,
    start_embedded,
)
from bench.pages_targets import count_statements, report, targets_for  # noqa: E402
from bench.wrk import Run, Target, run_wrk  # noqa: E402
from tests.support import make_app, upgrade_schema  # noqa: E402

BENCH_DATABASE = "campus_bench_pages"

def parse_args():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sqlite", action="store_true", help="an SQLite file, not PostgreSQL")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--duration", type=int, default=15, help="seconds of wrk per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument("--pages", default="", help="comma-separated words: only pages named so")
    parser.add_argument("--embedded", action="store_true",
                        help="serve Campus as the embedded default does (`flask serve`), not with "
                             "the gunicorn settings of the baselines")
    parser.add_argument("--large", action="store_true",
                        help="count statements again with 500 courses x 40 lessons and 20,000 "
                             "trainees added, and run the series again at that size")
    args = parser.parse_args()
    return args


def main() -> None:
    args = parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing (Debian: apt-get install wrk)")
    tmp = Path(tempfile.mkdtemp(prefix="campus-bench-pages-"))
    base = bench_base(args.sqlite)
    url = create_database(base, tmp, BENCH_DATABASE)
    secret = secrets.token_hex(32)
    app = make_app(url, tmp, TESTING=False, SECRET_KEY=secret, VERIFY_MAX_PER_ADDRESS=10**8)
    servers: dict[str, Server] = {}
    try:
        upgrade_schema(app)
        ids = seed(app, args.connections)
        from bench import floor

        floor.seed(url)
        start_servers(servers, args, url, secret, tmp)
        targets = prepare_targets(app, ids, servers, args)
        print(f"# bench/pages.py on {url.split(':')[0]}: gunicorn -w {args.workers} --threads "
              f"{args.threads}, wrk -t{args.wrk_threads} -c{args.connections} -d{args.duration}, "
              f"{args.reps} interleaved repetitions, {os.cpu_count()} cores", flush=True)
        measure(app, targets, servers, args, tmp)
        print_server_errors(servers, tmp)
    finally:
        for server in servers.values():
            server.stop()
        dispose(app)
        drop_database(url, base, BENCH_DATABASE)


def start_servers(servers: dict[str, Server], args, url: str, secret: str, tmp: Path) -> None:
    """The bare page, the floor, Campus and (for the dashboards) Campus computing every time."""
    (tmp / "baseline_app.py").write_text(BASELINE_APP)
    env = app_env(url, secret, tmp) | {"ACADEMY_BENCH_FLOOR_DB": url,
                                       "ACADEMY_VERIFY_MAX_PER_ADDRESS": "100000000"}
    options = GunicornOptions(workers=args.workers, threads=args.threads)
    servers["bare"] = start_server("baseline_app:app", tmp, env, options, tmp, "bare")
    # From the run's folder, as the bare page: gunicorn reads a gunicorn.conf.py in its
    # working directory, and Campus's (its hooks reach into the app) is not the floor's.
    servers["floor"] = start_server("bench.floor:app", tmp, env, options, tmp, "floor",
                                    ["--pythonpath", str(ROOT)])
    servers["campus"] = start_embedded(env, tmp) if args.embedded else \
        start_server("wsgi:app", ROOT, env, options, tmp, "campus")
    # The same, with the dashboards' figures computed for every request instead of kept
    # for a minute (REPORTS_KEPT_SECONDS): what the first reader of a period waits for.
    live_env = env | {"ACADEMY_REPORTS_KEPT_SECONDS": "0"}
    if any("dashboard" in w for w in args.pages.lower().split(",")) or not args.pages:
        servers["live"] = start_embedded(live_env, tmp, "live") if args.embedded else \
            start_server("wsgi:app", ROOT, live_env, options, tmp, "live")


def prepare_targets(app, ids: dict, servers: dict[str, Server], args) -> list[Target]:
    """Every session's cookie, quiz attempt and sign-in form; the pages asked for (--pages)."""
    cookies = {kind: [session_cookie(app, token) for token in ids[kind]]
               for kind in ("trainees", "coordinators")}
    attempts = [open_attempt(servers["campus"].port, cookie, ids["course"], ids["quiz"])
                for cookie in cookies["trainees"]]
    sign_ins = [sign_in_form(servers["campus"].port, f"bench.trainee{n:02d}")
                for n in range(args.connections)]
    targets = targets_for(ids, attempts, cookies, sign_ins)
    wanted = [w.strip().lower() for w in args.pages.split(",") if w.strip()]
    if wanted:
        targets = [t for t in targets if t.server in ("bare", "floor")
                   or any(w in t.name.lower() for w in wanted)]
    return targets


def measure(app, targets: list[Target], servers: dict[str, Server], args, tmp: Path) -> None:
    """The series at the demo's size, argon2id alone, the statement counts (and --large)."""
    series(targets, servers, args, tmp, "demo data")
    if any(t.name.startswith("sign-in") for t in targets):
        print(f"argon2id alone, {os.cpu_count()} processes: {argon2_rate():.1f} checks/s\n",
              flush=True)
    demo_counts = count_statements(app, targets)
    large_counts = None
    if args.large:
        print("Adding 500 courses x 40 lessons and 20,000 trainees...", flush=True)
        seed_large(app)
        large_counts = count_statements(app, targets)
        series([t for t in targets if t.server in ("bare", "floor") or "catalogue" in t.name
                or "dashboard" in t.name], servers, args, tmp, "large data")
    print_statements(demo_counts, large_counts)


def print_server_errors(servers: dict[str, Server], tmp: Path) -> None:
    for name, server in servers.items():
        errors = [line for line in server.error_log.read_text().splitlines()
                  if "Traceback" in line or "ERROR" in line]
        if errors:
            print(f"gunicorn ({name}) logged {len(errors)} errors; logs in {tmp}")


def series(targets: list[Target], servers: dict[str, Server], args, tmp: Path, label: str) -> None:
    runs: dict[str, list[Run]] = {t.name: [] for t in targets}
    for rep in range(args.reps):
        for target in targets:
            server = servers[target.server]
            run = run_wrk(target, server.port, server, args, tmp)
            runs[target.name].append(run)
            print(f"  [{label} {rep + 1}/{args.reps}] {target.name}: {run.rps:,.0f} req/s, "
                  f"p99 {run.p99:.1f} ms, {run.cpu_ms:.1f} ms CPU, {run.bad} non-2xx", flush=True)
    print(f"\n## {label}: medians of {args.reps}\n")
    print("\n".join(report(targets, runs)) + "\n", flush=True)


def print_statements(demo: dict[str, int], large: dict[str, int] | None) -> None:
    print("## SQL statements per page (in-process, second request)\n")
    print("| page | demo | large |\n| --- | ---: | ---: |")
    for name, count in demo.items():
        other = "-" if large is None else str(large.get(name, "-"))
        print(f"| {name} | {count} | {other} |")


if __name__ == "__main__":
    main()
