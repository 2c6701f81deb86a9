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
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from sqlalchemy import create_engine, event, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from werkzeug.exceptions import MethodNotAllowed, NotFound  # noqa: E402
from werkzeug.routing import RequestRedirect  # noqa: E402

from bench.databases import DEFAULT_BASE, create_database, drop_database  # noqa: E402
from bench.measures import cpu_seconds, machine_busy, percentile  # noqa: E402
from bench.network_seed import Scale, seed, table_sizes, vacuum_analyze  # noqa: E402
from tests.support import make_app, upgrade_schema  # noqa: E402

BENCH_DATABASE = "campus_bench_network"
try:  # the exports the dashboards offer
    from academy.reports.views import ACADEMY_TABLES, NETWORK_TABLES  # noqa: E402
except ImportError:  # not written yet
    NETWORK_TABLES = ("academies", "countries", "months", "courses", "exchange")
    ACADEMY_TABLES = ("figures", "months", "courses", "exchange")
TARGET_MS = 1000.0
LARGE_TABLE = 10_000  # rows: a sequential scan of a table this big is worth a look


@dataclass
class Page:
    label: str
    role: str
    path: str
    explain: bool = False  # a dashboard or course page: EXPLAIN its SQL


@dataclass
class Figures:
    page: Page
    status: int = 0
    cold: float = 0.0
    times: list[float] = field(default_factory=list)
    statements: int = 0
    size: int = 0


@dataclass
class Plan:
    page: str
    sql: str
    ms: float
    jit_ms: float
    lines: list[str]
    seq_scans: list[str]


@dataclass
class Load:
    """How busy the machine was while the pages were measured (it is shared)."""

    seconds: float = 0.0
    machine: float = 0.0  # CPU seconds used by every process, both cores
    bench: float = 0.0  # this process (the app and the test client)
    database: float = 0.0  # the PostgreSQL backends of the bench database

    def line(self) -> str:
        if not self.seconds:
            return ""
        capacity = self.seconds * (os.cpu_count() or 1)
        others = max(0.0, self.machine - self.bench - self.database)
        return (f"During the measurements ({self.seconds:.0f} s) the machine was "
                f"{100 * self.machine / capacity:.0f} % busy: this process "
                f"{100 * self.bench / capacity:.0f} %, its PostgreSQL backends "
                f"{100 * self.database / capacity:.0f} %, other processes "
                f"{100 * others / capacity:.0f} % (of {os.cpu_count()} cores).")


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


def targets(app) -> dict:
    """Who and what the pages are measured with, read from the database (seeded or reused)."""
    from academy.accounts.models import User
    from academy.accounts.operations import start_session
    from academy.extensions import db

    def one(sql: str, **params):
        return db.session.execute(text(sql), params).first()

    with app.test_request_context():
        course, followers = one("SELECT course_id, COUNT(*) FROM enrolments GROUP BY course_id "
                                "ORDER BY 2 DESC, 1 LIMIT 1")
        owner = one("SELECT academy_id FROM courses WHERE id = :c", c=course)[0]
        quiz = one("SELECT lesson_id, COUNT(*) FROM quiz_attempts WHERE course_id = :c "
                   "GROUP BY lesson_id ORDER BY 2 DESC, 1 LIMIT 1", c=course)
        biggest, trainees = one("SELECT academy_id, COUNT(*) FROM memberships WHERE role = "
                                "'trainee' GROUP BY academy_id ORDER BY 2 DESC, 1 LIMIT 1")
        country = one("SELECT country FROM academies WHERE id = :a", a=biggest)[0]

        def session_of(sql: str, **params) -> str:
            user = db.session.get(User, one(sql, **params)[0])
            return start_session(user, "127.0.0.1", "bench/network.py")

        admin_sql = ("SELECT user_id FROM memberships WHERE academy_id = :a AND role = "
                     "'academy_admin' ORDER BY user_id LIMIT 1")
        tokens = {"coordinator": session_of("SELECT user_id FROM network_roles WHERE role = "
                                            "'coordinator' ORDER BY user_id LIMIT 1"),
                  "admin": session_of(admin_sql, a=biggest),
                  "author": session_of(admin_sql, a=owner)}
        db.session.commit()
    return {"course": course, "followers": followers, "owner": owner,
            "quiz": quiz[0] if quiz else None, "quiz_attempts": quiz[1] if quiz else 0,
            "academy": biggest, "trainees": trainees, "country": country, "tokens": tokens}


def pages_for(t: dict, exports: bool) -> list[Page]:
    today = date.today()
    year, month = divmod(today.year * 12 + today.month - 1 - 23, 12)
    months24 = f"since={date(year, month + 1, 1).isoformat()}&until={today.isoformat()}"
    academy = f"/reports/academies/{t['academy']}"
    found = [
        Page("network dashboard, 12 months", "coordinator", "/reports", True),
        Page("network dashboard, 24 months", "coordinator", f"/reports?{months24}", True),
        Page(f"network dashboard, 24 months, {t['country']}", "coordinator",
             f"/reports?{months24}&country={t['country']}", True),
        Page("academy dashboard (coordinator)", "coordinator", academy, True),
        Page("academy dashboard (its admin)", "admin", academy, True),
        Page("academy dashboard, 24 months (admin)", "admin", f"{academy}?{months24}", True),
    ]
    for table in NETWORK_TABLES if exports else ():
        for fmt in ("csv", "xlsx"):
            found.append(Page(f"export {table}.{fmt}", "coordinator", f"/reports/{table}.{fmt}"))
    for table in ACADEMY_TABLES if exports else ():
        for fmt in ("csv", "xlsx"):
            found.append(Page(f"academy export {table}.{fmt}", "admin",
                              f"{academy}/{table}.{fmt}"))
    course = f"/courses/{t['course']}/report"
    found += [Page(f"course report ({t['followers']:,} enrolments)", "coordinator", course, True),
              Page("course report, 24 months", "coordinator", f"{course}?{months24}", True)]
    if t["quiz"]:
        found.append(Page(f"quiz statistics ({t['quiz_attempts']:,} attempts)", "author",
                          f"/courses/{t['course']}/quizzes/{t['quiz']}/statistics", True))
    return found


def exists(app, path: str) -> bool:
    """Whether a rule of the app answers GET at this path."""
    adapter = app.url_map.bind("localhost")
    try:
        adapter.match(path.split("?", 1)[0], method="GET")
    except RequestRedirect:
        return True
    except (NotFound, MethodNotAllowed):
        return False
    return True


# --- Measuring ---------------------------------------------------------------------------------

class StatementLog:
    """The SQL statements the app's engine runs while it is on, with their parameters."""

    def __init__(self, engine) -> None:
        self.engine, self.statements, self.on = engine, [], False
        event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, _conn, _cursor, statement, parameters, _context, executemany) -> None:
        if self.on:
            self.statements.append((statement, parameters, executemany))

    def request(self, client, path: str):
        """(ms, response, statements) of one GET."""
        self.statements, self.on = [], True
        try:
            started = time.perf_counter()
            response = client.get(path)
            ms = (time.perf_counter() - started) * 1000
        finally:
            self.on = False
        return ms, response, list(self.statements)

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)


def measure(log: StatementLog, client, page: Page, runs: int) -> tuple[Figures, list]:
    figures = Figures(page)
    figures.cold, response, captured = log.request(client, page.path)
    figures.status, figures.size = response.status_code, len(response.get_data())
    figures.statements = len(captured)
    if response.status_code != 200:
        return figures, captured
    for _ in range(runs):
        ms, response, captured = log.request(client, page.path)
        figures.times.append(ms)
        figures.statements = len(captured)
    return figures, captured


def baseline(runs: int) -> float:
    bare = Flask("baseline")
    bare.add_url_rule("/", "hello", lambda: "<!doctype html><title>x</title><p>hello</p>")
    client = bare.test_client()
    client.get("/")
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get("/")
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


# --- Plans -------------------------------------------------------------------------------------

def large_tables(conn) -> set[str]:
    return {name for name, in conn.execute(text(
        "SELECT relname FROM pg_class WHERE relkind = 'r' AND reltuples >= :n"),
        {"n": LARGE_TABLE})}


def explain(app, page: str, captured: list) -> list[Plan]:
    """Every SELECT of one request run again under EXPLAIN (ANALYZE, BUFFERS)."""
    from academy.extensions import db

    plans = []
    with app.app_context():
        with db.engine.connect() as conn:
            big = large_tables(conn)
            cursor = conn.connection.driver_connection.cursor()
            for statement, parameters, executemany in captured:
                head = statement.lstrip().split(None, 1)[0].upper()
                if executemany or head not in ("SELECT", "WITH"):
                    continue
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters or None)
                lines = [row[0] for row in cursor.fetchall()]
                ms = next((float(m.group(1)) for line in lines
                           if (m := re.search(r"Execution Time: ([\d.]+) ms", line))), 0.0)
                jit = next((float(m.group(1)) for line in lines
                            if (m := re.search(r"Timing: .* Total ([\d.]+) ms", line))), 0.0)
                scans = sorted({m.group(1) for line in lines
                                if (m := re.search(r"Seq Scan on (\w+)", line))
                                and m.group(1) in big})
                plans.append(Plan(page, statement, ms, jit, lines, scans))
            conn.rollback()
    return plans


def compact(sql: str, limit: int = 1200) -> str:
    flat = " ".join(sql.split())
    return flat if len(flat) <= limit else flat[:limit] + " ..."


# --- Report ------------------------------------------------------------------------------------

def figures_table(all_figures: list[Figures], base_ms: float, missing: list[Page]) -> list[str]:
    lines = ["| page | cold ms | min ms | median ms | p95 ms | SQL | bytes | x baseline | < 1 s |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: |"]
    for f in all_figures:
        if f.status != 200:
            lines.append(f"| {f.page.label} | HTTP {f.status} | | | | {f.statements} | "
                         f"{f.size:,} | | |")
            continue
        median = statistics.median(f.times) if f.times else f.cold
        p95 = percentile(f.times, 0.95) if f.times else f.cold
        lines.append(f"| {f.page.label} | {f.cold:,.0f} | {min(f.times or [f.cold]):,.1f} | "
                     f"{median:,.1f} | {p95:,.1f} | "
                     f"{f.statements} | {f.size:,} | {median / base_ms:,.0f} | "
                     f"{'yes' if median < TARGET_MS else '**no**'} |")
    for page in missing:
        lines.append(f"| {page.label} | missing: no rule for `{page.path.split('?')[0]}` "
                     f"| | | | | | | |")
    return lines


def plans_report(plans: list[Plan], top: int) -> list[str]:
    lines = ["", "### SQL of the dashboard and course pages under EXPLAIN (ANALYZE, BUFFERS)", "",
             "| page | SELECTs | sum of execution ms | of which JIT ms | slowest ms "
             "| seq scans of large tables |",
             "| --- | ---: | ---: | ---: | ---: | --- |"]
    by_page: dict[str, list[Plan]] = {}
    for plan in plans:
        by_page.setdefault(plan.page, []).append(plan)
    for page, found in by_page.items():
        scans = sorted({s for p in found for s in p.seq_scans})
        lines.append(f"| {page} | {len(found)} | {sum(p.ms for p in found):,.1f} | "
                     f"{sum(p.jit_ms for p in found):,.1f} | "
                     f"{max((p.ms for p in found), default=0):,.1f} | {', '.join(scans) or '-'} |")
    seen, slowest = set(), []
    for plan in sorted(plans, key=lambda p: -p.ms):
        if plan.sql in seen:  # the same statement on another page (or period): once
            continue
        seen.add(plan.sql)
        slowest.append(plan)
    for n, plan in enumerate(slowest[:top], 1):
        lines += ["", f"#### {n}. {plan.ms:,.1f} ms, on {plan.page}"
                  + (f"; seq scan of {', '.join(plan.seq_scans)}" if plan.seq_scans else ""),
                  "", "```sql", compact(plan.sql), "```", "", "```",
                  *[line for line in plan.lines[:18]],
                  *(["..."] if len(plan.lines) > 18 else []), "```"]
    return lines


def write_plans(path: str, plans: list[Plan]) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for plan in sorted(plans, key=lambda p: -p.ms):
            out.write(f"-- {plan.page}: {plan.ms:.1f} ms\n{plan.sql}\n\n")
            out.write("\n".join(plan.lines) + "\n\n")


# --- Running -----------------------------------------------------------------------------------

def try_indexes(app, specs: list[str]) -> list[str]:
    """Build the indexes asked for with --try-index (named bench_try_*), and drop those an
    earlier run of a kept database built but this one did not ask for."""
    from academy.extensions import db

    lines = []
    with app.app_context():
        with db.engine.connect() as conn:
            if conn.dialect.name != "postgresql":
                return ["(--try-index is for PostgreSQL only)"] if specs else []
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            wanted = {f"bench_try_{n}": spec for n, spec in enumerate(specs, 1)}
            for name, definition in conn.execute(text(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE 'bench_try_%'")):
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
    base = "sqlite" if args.sqlite else os.environ.get("ACADEMY_BENCH_DATABASE_URL", DEFAULT_BASE)
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
        with app.app_context():
            from academy.extensions import db

            db.engine.dispose()
        if args.keep:
            print(f"kept: {url}")
        else:
            drop_database(url, base, BENCH_DATABASE)
        if not (args.keep and args.sqlite):
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
