"""The network benchmark's plans: every SELECT of a page run again under EXPLAIN (ANALYZE,
BUFFERS) on PostgreSQL, the slowest shown with the top of their plans."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import text

LARGE_TABLE = 10_000  # rows: a sequential scan of a table this big is worth a look

@dataclass
class Plan:
    page: str
    sql: str
    ms: float
    jit_ms: float
    lines: list[str]
    seq_scans: list[str]


# --- Plans -------------------------------------------------------------------------------------

def large_tables(conn) -> set[str]:
    return {name for name, in conn.execute(text(
        "SELECT relname FROM pg_class WHERE relkind = 'r' AND reltuples >= :n"),
        {"n": LARGE_TABLE})}


def explain(app, page: str, captured: list) -> list[Plan]:
    """Every SELECT of one request run again under EXPLAIN (ANALYZE, BUFFERS)."""
    from academy.extensions import db

    plans = []
    with app.app_context(), db.engine.connect() as conn:
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
