"""The pages the network benchmark measures, who asks for them, and how: Flask's test client,
the first request apart, SQL statements counted, a bare Flask page to compare with."""
from __future__ import annotations

import os
import statistics
import time
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import event, text
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from bench.harness import bare_page_ms
from bench.measures import percentile

try:  # the exports the dashboards offer
    from academy.reports.views import ACADEMY_TABLES, NETWORK_TABLES
except ImportError:  # not written yet
    NETWORK_TABLES = ("academies", "countries", "months", "courses", "exchange")
    ACADEMY_TABLES = ("figures", "months", "courses", "exchange")
TARGET_MS = 1000.0


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
    return statistics.median(bare_page_ms(runs))


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
