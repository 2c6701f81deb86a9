"""The pages bench/pages.py measures, their SQL statements counted in-process, and the table of
their medians against the floor."""
from __future__ import annotations

import statistics
from urllib.parse import urlencode

from sqlalchemy import event

from bench.harness import COOKIE
from bench.wrk import Run, Target


def count_statements(app, targets: list[Target]) -> dict[str, int]:
    from academy.extensions import db

    counts: dict[str, int] = {}
    with app.app_context():
        engine = db.engine
    seen: list[str] = []
    kept = app.config["REPORTS_KEPT_SECONDS"]

    def count(*_args):
        seen.append("x")

    event.listen(engine, "before_cursor_execute", count)
    try:
        client = app.test_client()
        for target in targets:
            if target.server not in ("campus", "live") or target.expect != 2:
                continue
            app.config["REPORTS_KEPT_SECONDS"] = 0 if target.server == "live" else kept
            path, cookie, body = target.requests[0]
            client.set_cookie(COOKIE, cookie or "")
            if target.method == "GET":
                client.get(path)  # caches warm, as under load
                seen.clear()
                response = client.get(path)
            else:
                client.post(path, data=body_dict(body), headers={"X-Requested-With": "fetch"})
                seen.clear()
                response = client.post(path, data=body_dict(body),
                                       headers={"X-Requested-With": "fetch"})
            counts[target.name] = len(seen) if response.status_code < 300 else -response.status_code
    finally:
        app.config["REPORTS_KEPT_SECONDS"] = kept
        event.remove(engine, "before_cursor_execute", count)
    return counts


def body_dict(body: str) -> dict:
    from urllib.parse import parse_qsl

    return dict(parse_qsl(body))


# --- The series ---------------------------------------------------------------------------------

def targets_for(ids: dict, attempts: list[tuple[str, str, dict]], cookies: dict,
                sign_ins: list[tuple[str, str]] = ()) -> list[Target]:
    trainees, coordinators = cookies["trainees"], cookies["coordinators"]
    course, lesson = ids["course"], ids["lesson"]

    def each(path: str, sessions: list[str]) -> list[tuple[str, str, str]]:
        return [(path, cookie, "") for cookie in sessions]

    found = [
        Target("bare Flask page", "bare", "GET", [("/", "", "")]),
        Target("floor: ORM 50 rows + layout", "floor", "GET", [("/", "", "")]),
        Target("home, signed out", "campus", "GET", [("/", "", "")]),
        # The cost of being signed in: a page with nothing on it but the layout and an empty list.
        Target("my certificates, none yet (signed in)", "campus", "GET",
               each("/my/certificates", trainees)),
        Target("catalogue (trainee)", "campus", "GET", each("/courses", trainees)),
        Target("course page", "campus", "GET", each(f"/courses/{course}", trainees)),
        Target("lesson page", "campus", "GET", each(f"/courses/{course}/lessons/{lesson}",
                                                    trainees)),
        Target("my training", "campus", "GET", each("/learning", trainees)),
        Target("quiz attempt page", "campus", "GET",
               [(path, cookie, "") for path, cookie, _ in attempts]),
        Target("answer autosave (POST)", "campus", "POST",
               [(f"{path}/autosave", cookie, urlencode(body)) for path, cookie, body in attempts]),
        Target("network dashboard", "campus", "GET", each("/reports", coordinators)),
        Target("network dashboard, computed each time", "live", "GET",
               each("/reports", coordinators)),
    ]
    if sign_ins:
        found.append(Target("sign-in (POST, argon2id)", "campus", "POST",
                            [("/login", cookie, body) for cookie, body in sign_ins], expect=3))
    if ids["certificate"]:
        found.append(Target("public certificate check", "campus", "GET",
                            [(f"/verify/{ids['certificate']}", "", "")]))
    return found


def ratio(run: Run, floor: Run) -> str:
    return f"{run.rps / floor.rps:5.2f}x" if floor.rps else "-"


def report(targets: list[Target], runs: dict[str, list[Run]]) -> list[str]:
    median = {name: Run(*(statistics.median(getattr(r, f) for r in found)
                          for f in ("rps", "p50", "p99", "cpu_ms", "bad")))
              for name, found in runs.items()}
    floor = median["floor: ORM 50 rows + layout"]
    lines = ["| page | req/s | p50 ms | p99 ms | CPU ms/req | non-2xx | vs floor |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for target in targets:
        run = median[target.name]
        total_bad = sum(r.bad for r in runs[target.name])
        lines.append(f"| {target.name} | {run.rps:,.0f} | {run.p50:.1f} | {run.p99:.1f} | "
                     f"{run.cpu_ms:.1f} | {total_bad} | {ratio(run, floor)} |")
    return lines
