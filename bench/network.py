"""The network's dashboards at network scale (issue 7's speed target: each under a second).

Seeds its own database (`bench/network_seed.py`: 20 academies in 14 countries, 50,000
trainees, 500 courses, 500,000 enrolments, 1,000,000 quiz responses; smaller on SQLite), then
measures with Flask's test client, signed in as a network coordinator and as academy admins:
the network dashboard (12 months, 24 months, 24 months of one country), an academy's dashboard,
every export of both, the course report of the most followed course and the statistics of its
busiest quiz. Per page: the first request apart (cold), then the median and 95th percentile of
`--runs` more, SQL statements per request, response bytes, and the ratio to a bare Flask page
measured in the same run. On PostgreSQL every SQL statement of the dashboard and course pages is
captured during one request and run again under EXPLAIN (ANALYZE, BUFFERS): the slowest are
printed with the top of their plans, and sequential scans of large tables are named.

Pages that do not exist yet (no rule in the app's url_map) are listed as missing.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.databases import bench_base, create_database, dispose, drop_database  # noqa: E402
from bench.measures import cpu_seconds, machine_busy  # noqa: E402
from bench.network_pages import (  # noqa: E402
    Figures,
    Load,
    Page,
    StatementLog,
    baseline,
    exists,
    figures_table,
    measure,
    pages_for,
    targets,
)
from bench.network_plans import Plan, explain, plans_report, write_plans  # noqa: E402
from bench.network_seed import Scale, seed, table_sizes, vacuum_analyze  # noqa: E402
from tests.support import make_app, upgrade_schema  # noqa: E402

BENCH_DATABASE = "campus_bench_network"

# --- The database ------------------------------------------------------------------------------

def reusable(base: str) -> str | None:
    """The URL of a seeded bench database kept by an earlier run (`--keep`), if there is one."""
    engine = create_engine(make_url(base))
    try:
        with engine.connect() as conn:
            if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                {"n": BENCH_DATABASE}).scalar():
                return None
    finally:
        engine.dispose()
    url = make_url(base).set(database=BENCH_DATABASE).render_as_string(hide_password=False)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            seeded = conn.execute(text("SELECT COUNT(*) FROM enrolments")).scalar()
    except Exception:  # noqa: BLE001 - no schema yet: not reusable
        seeded = 0
    finally:
        engine.dispose()
    return url if seeded else None


# --- Running -----------------------------------------------------------------------------------

def try_indexes(app, specs: list[str]) -> list[str]:
    """Build the indexes asked for with --try-index (named bench_try_*), and drop those an
    earlier run of a kept database built but this one did not ask for."""
    from academy.extensions import db

    lines = []
    with app.app_context(), db.engine.connect() as conn:
        if conn.dialect.name != "postgresql":
            return ["(--try-index is for PostgreSQL only)"] if specs else []
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        wanted = {f"bench_try_{n}": spec for n, spec in enumerate(specs, 1)}
        for name, definition in conn.execute(text(
                "SELECT indexname, indexdef FROM pg_indexes "
                "WHERE indexname LIKE 'bench_try_%'")):
            if wanted.get(name) is None or wanted[name] not in definition.replace('"', ""):
                conn.exec_driver_sql(f"DROP INDEX {name}")
        for name, spec in wanted.items():
            started = time.perf_counter()
            conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {name} ON {spec}")
            conn.exec_driver_sql(f"ANALYZE {spec.split('(', 1)[0].strip()}")
            lines.append(f"Index tried in this run (not in the migrations): `{spec}` "
                         f"({time.perf_counter() - started:.1f} s).")
    return ["", *lines] if lines else []


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sqlite", action="store_true",
                        help="an SQLite file instead (smaller defaults; no EXPLAIN)")
    parser.add_argument("--trainees", type=int, help="default 50,000 (SQLite 5,000)")
    parser.add_argument("--courses", type=int, help="default 500 (SQLite 100)")
    parser.add_argument("--enrolments", type=int, help="default 500,000 (SQLite 50,000)")
    parser.add_argument("--responses", type=int,
                        help="quiz responses (attempt slots), default 1,000,000 (SQLite 100,000)")
    parser.add_argument("--exchange", type=float, default=0.3,
                        help="share of enrolments in other academies' courses (0.3)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=20, help="measured runs per page (20)")
    parser.add_argument("--export-runs", type=int, help="runs per export (default --runs)")
    parser.add_argument("--no-exports", action="store_true", help="leave the exports out")
    parser.add_argument("--only", help="measure only the pages whose label matches this regex")
    parser.add_argument("--top", type=int, default=5, help="slowest statements printed (5)")
    parser.add_argument("--no-explain", action="store_true")
    parser.add_argument("--plans", metavar="FILE", help="write every plan to FILE")
    parser.add_argument("--keep", action="store_true",
                        help="keep the database (and print its URL) for --reuse")
    parser.add_argument("--reuse", action="store_true",
                        help="PostgreSQL: measure the database a --keep run left (migrations "
                             "run again, so new indexes are built); seed only if there is none")
    parser.add_argument("--no-measure", action="store_true", help="seed and report sizes only")
    parser.add_argument("--try-index", action="append", default=[], metavar="SPEC",
                        help="PostgreSQL: build this index for the run, e.g. 'lesson_progress "
                             "(user_id, completed_at)' (repeatable; not a migration)")
    return parser.parse_args()


def scale_of(args) -> Scale:
    small = args.sqlite
    return Scale(trainees=args.trainees or (5_000 if small else 50_000),
                 courses=args.courses or (100 if small else 500),
                 enrolments=args.enrolments or (50_000 if small else 500_000),
                 responses=args.responses or (100_000 if small else 1_000_000),
                 exchange=args.exchange, seed=args.seed)


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def prepare(app, args, reused: bool) -> list[str]:
    """Seed (unless reused) and ANALYZE; the report's lines about the data set."""
    lines = []
    if not reused:
        scale = scale_of(args)
        progress(f"Seeding {scale} ...")
        started = time.perf_counter()
        seeded = seed(app, scale, log=progress)
        seeded_s = time.perf_counter() - started
        analyzed_s = vacuum_analyze(app)
        statuses = seeded["statuses"]
        total = sum(statuses.values())
        lines += [f"Seeded in {seeded_s:.0f} s ("
                  + ", ".join(f"{k} {v:.0f} s" for k, v in seeded["timings"].items())
                  + f"), then VACUUM ANALYZE in {analyzed_s:.0f} s.", "",
                  "Enrolments by status: " + ", ".join(
                      f"{k} {v:,} ({100 * v / total:.0f} %)" for k, v in sorted(statuses.items()))
                  + f"; {100 * seeded['exchange']:.0f} % in other academies' courses"
                  f". Quiz lessons reached: {seeded['quiz_pairs']:,}; "
                  f"{100 * seeded['quiz_share']:.0f} % of them got their attempts."]
    else:
        started = time.perf_counter()
        upgrade_schema(app)
        analyzed_s = vacuum_analyze(app)
        lines.append(f"Reused the database of an earlier run (migrations and VACUUM ANALYZE "
                     f"in {time.perf_counter() - started:.0f} s).")
    lines += try_indexes(app, args.try_index)
    lines += ["", "| table | rows | size |", "| --- | ---: | ---: |"]
    for table, rows, size in table_sizes(app):
        lines.append(f"| {table} | {rows:,} | "
                     f"{f'{size / 2**20:,.1f} MiB' if size is not None else '-'} |")
    return lines


def backend_pids(engine) -> list[int]:
    """The PostgreSQL backends serving the bench database (the pool's connections)."""
    if engine.dialect.name != "postgresql":
        return []
    with engine.connect() as conn:
        return list(conn.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = "
                                      "current_database()")).scalars())


def run_pages(app, args, t: dict) -> tuple[list[Figures], list[Page], list[Plan], Load, float]:
    from academy.extensions import db

    with app.app_context():
        engine = db.engine
    clients = {}
    for role, token in t["tokens"].items():
        clients[role] = app.test_client()
        with clients[role].session_transaction() as session:
            session["_user_id"] = token
            session["_fresh"] = True
    pages = pages_for(t, not args.no_exports)
    if args.only:
        pages = [p for p in pages if re.search(args.only, p.label)]
    present = [p for p in pages if exists(app, p.path)]
    missing = [p for p in pages if p not in present]
    log = StatementLog(engine)
    figures, captured = [], {}
    pids = backend_pids(engine)  # opens the connection the requests then take from the pool
    tick = os.sysconf("SC_CLK_TCK")
    started, busy, own, database = (time.perf_counter(), machine_busy()[0] / tick,
                                    cpu_seconds([os.getpid()]), cpu_seconds(pids))
    for page in present:
        runs = args.runs if page.explain else (args.export_runs or args.runs)
        progress(f"  {page.label}: {page.path}")
        found, statements = measure(log, clients[page.role], page, runs)
        figures.append(found)
        if page.explain and found.status == 200:
            captured[page.label] = statements
    pids = sorted(set(pids) | set(backend_pids(engine)))
    load = Load(time.perf_counter() - started, machine_busy()[0] / tick - busy,
                cpu_seconds([os.getpid()]) - own, cpu_seconds(pids) - database)
    log.close()
    plans = []
    if engine.dialect.name == "postgresql" and not args.no_explain:
        for label, statements in captured.items():
            progress(f"  EXPLAIN ANALYZE: {label} ({len(statements)} statements)")
            plans += explain(app, label, statements)
    return figures, missing, plans, load, baseline(max(args.runs, 200))


def main() -> None:
    args = parse_args()
    wall = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="campus-bench-network-"))
    base = bench_base(args.sqlite)
    url = reusable(base) if args.reuse and not args.sqlite else None
    reused = url is not None
    if not reused:
        url = create_database(base, tmp, BENCH_DATABASE)
    # What the dashboards cost to compute: production keeps the figures for a minute
    # (REPORTS_KEPT_SECONDS), which would time the kept copy from the second run on.
    app = make_app(url, tmp, TESTING=False, REPORTS_KEPT_SECONDS=0)
    try:
        if not reused:
            upgrade_schema(app)
        lines = [f"## Network dashboards on {make_url(url).get_backend_name()}", ""]
        lines += prepare(app, args, reused)
        if not args.no_measure:
            t = targets(app)
            progress("Measuring ...")
            figures, missing, plans, load, base_ms = run_pages(app, args, t)
            lines += ["", f"Measured with {args.runs} runs a page after a cold one"
                      + (f" ({args.export_runs} for exports)" if args.export_runs else "")
                      + f"; baseline (a bare Flask page, same client): {base_ms:.2f} ms. "
                      f"Academy pages: academy {t['academy']} ({t['trainees']:,} trainees); "
                      f"course {t['course']} of academy {t['owner']}. {load.line()}", ""]
            lines += figures_table(figures, base_ms, missing)
            if plans:
                lines += plans_report(plans, args.top)
                if args.plans:
                    write_plans(args.plans, plans)
                    lines += ["", f"Every plan: {args.plans}"]
        print("\n".join(lines))
        print(f"\nwall time of the benchmark: {time.perf_counter() - wall:.0f} s")
    finally:
        dispose(app)
        if args.keep:
            print(f"kept: {url}")
        else:
            drop_database(url, base, BENCH_DATABASE)
        if not (args.keep and args.sqlite):
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
