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
import html as html_
import http.client
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, select  # noqa: E402

from bench.databases import DEFAULT_BASE, create_database, drop_database  # noqa: E402
from bench.harness import (BASELINE_APP, COOKIE, GunicornOptions, Server, app_env,  # noqa: E402
                           free_port, session_cookie, start_server)
from bench.measures import cpu_seconds  # noqa: E402
from tests.support import CSRF_RE, make_app, upgrade_schema  # noqa: E402

BENCH_DATABASE = "campus_bench_pages"
PASSWORD = "bench password 1"
FIELD_RE = re.compile(r'<input[^>]*type="radio"[^>]*name="(q\d+)"[^>]*value="([^"]*)"')

# wrk's script: each request takes the next (path, cookie, body) of its thread's share of the
# sessions, so every connection works as its own person; statuses other than 2xx are counted.
WRK_SCRIPT = r"""
local threads = {}
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end
function init(args)
  requests_list = {}
  local n = tonumber(args[1])
  local method = args[2]
  expect = tonumber(args[3])
  local i = 4
  while args[i] do
    local path, cookie, body = args[i], args[i + 1], args[i + 2]
    local headers = {["Cookie"] = cookie, ["Accept-Language"] = "es"}
    if method == "POST" then
      headers["Content-Type"] = "application/x-www-form-urlencoded"
      headers["X-Requested-With"] = "fetch"
    end
    if body == "-" then body = nil end
    table.insert(requests_list, wrk.format(method, path, headers, body))
    i = i + 3
  end
  index = id % #requests_list
  bad = 0
end
function request()
  index = index % #requests_list + 1
  return requests_list[index]
end
function response(status, headers, body)
  if math.floor(status / 100) ~= expect then bad = bad + 1 end
end
function done(summary, latency, requests)
  local total_bad = 0
  for _, thread in ipairs(threads) do total_bad = total_bad + thread:get("bad") end
  io.write(string.format('JSON{"requests": %d, "seconds": %f, "p50": %f, "p90": %f, "p99": %f, ' ..
    '"bad": %d, "errors": %d}\n', summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    total_bad, summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout))
end
"""


@dataclass
class Target:
    """One page under load: where it is served, and the (path, cookie, body) each session sends."""

    name: str
    server: str  # "bare", "floor" or "campus"
    method: str
    requests: list[tuple[str, str, str]]
    expect: int = 2  # the class of status that counts as answered: 2xx, or 3xx for a sign-in


@dataclass
class Run:
    rps: float
    p50: float
    p99: float
    cpu_ms: float
    bad: int


# --- The data --------------------------------------------------------------------------------

def seed(app, sessions: int) -> dict:
    """The demo, plus `sessions` trainees enrolled in the demo's quiz course, a coordinator's
    sessions, and a certificate to check."""
    from academy.academies.models import Academy
    from academy.accounts.models import User
    from academy.accounts.operations import create_user, start_session
    from academy.certificates.models import Certificate
    from academy.curricula.models import Course, Lesson, Module
    from academy.demo import load_demo
    from academy.enrolment import operations as enrolment_ops
    from academy.extensions import db

    with app.test_request_context():
        load_demo()
        db.session.commit()
        quiz = db.session.scalars(
            select(Lesson).join(Module).join(Course)
            .where(Lesson.kind == "quiz", Course.status == "published",
                   Course.visibility == "network", Course.revision_of_id.is_(None),
                   Lesson.removed_at.is_(None))
            .order_by(Course.id, Module.position, Lesson.position)).first()
        course = db.session.get(Course, quiz.module.course_id)
        page = db.session.scalars(
            select(Lesson).join(Module).where(Module.course_id == course.id, Lesson.kind == "page",
                                              Lesson.removed_at.is_(None))
            .order_by(Module.position, Lesson.position)).first()
        academy = db.session.scalars(select(Academy).order_by(Academy.id)).first()
        trainees = []
        for n in range(sessions):
            user, _ = create_user(username=f"bench.trainee{n:02d}", display_name=f"Alumna {n:02d}",
                                  academy=academy, roles=["trainee"], locale="es",
                                  password=PASSWORD)
            trainees.append(user)
        db.session.flush()
        for user in trainees:
            enrolment_ops.enrol_by_staff(user, course)
        coordinator = db.session.scalar(select(User).where(User.username == "coordinator"))
        certificate = db.session.scalars(select(Certificate).where(
            Certificate.revoked_at.is_(None)).order_by(Certificate.id)).first()
        ids = {"course": course.id, "quiz": quiz.id, "lesson": page.id,
               "certificate": certificate.code if certificate else None,
               "trainees": [start_session(u, "127.0.0.1", "bench") for u in trainees],
               "coordinators": [start_session(coordinator, "127.0.0.1", "bench")
                                for _ in range(sessions)]}
        db.session.commit()
    return ids


def seed_large(app) -> None:
    """The sizes of bench/catalogue.py and bench/enrolment.py, added to the demo."""
    from bench import catalogue, enrolment

    catalogue.seed(app, 500, 40, prefix="bench-cat")
    enrolment.seed(app, 20_000, 10, 500, prefix="bench-net")


class EmbeddedServer(Server):
    def workers(self) -> list[int]:
        """The server's worker processes, or the server itself when it has none (a threaded
        server in one process, as `flask serve` was before issue 14)."""
        return super().workers() or [self.process.pid]


def start_embedded(env: dict, logs: Path, name: str = "campus") -> Server:
    """`flask --app wsgi serve`, the README's one command, on the benchmark's database."""
    port = free_port()
    errors = logs / f"{name}-error.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "serve", "--no-demo", "--port", str(port)],
        cwd=ROOT, env=env | {"ACADEMY_ENV": "development"}, stdout=subprocess.DEVNULL,
        stderr=errors.open("w"), start_new_session=True)
    server = EmbeddedServer(process, port, logs / f"{name}-access.log", errors)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            _request(port, "GET", "/healthz", "")
            return server
        except OSError:
            time.sleep(0.3)
    server.stop()
    raise SystemExit(f"flask serve did not answer:\n{errors.read_text()[-3000:]}")


# --- A signed-in browser's first steps: the attempt each session works in ----------------------

def _request(port: int, method: str, path: str, cookie: str, body: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": f"{COOKIE}={cookie}", "Accept-Language": "es"}
    data = None
    if body is not None:
        data = urlencode(body)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, data, headers)
    response = conn.getresponse()
    text = response.read().decode("utf-8", "replace")
    conn.close()
    for name, value in response.getheaders():
        if name.lower() == "set-cookie" and value.startswith(f"{COOKIE}="):
            cookie = value.split(";", 1)[0].split("=", 1)[1]
    return response.status, response.getheader("Location"), text, cookie


def open_attempt(port: int, cookie: str, course: int, quiz: int) -> tuple[str, str, dict]:
    """Start (or resume) the quiz as a browser does; the attempt page, the cookie, a save's body."""
    status, _, page, cookie = _request(port, "GET", f"/courses/{course}/quizzes/{quiz}", cookie)
    token = CSRF_RE.search(page)
    if status != 200 or token is None:
        raise SystemExit(f"quiz page answered {status}")
    status, location, _, cookie = _request(port, "POST", f"/courses/{course}/quizzes/{quiz}/start",
                                           cookie, {"csrf_token": html_.unescape(token.group(1))})
    if status != 302 or not location:
        raise SystemExit(f"starting the quiz answered {status}")
    path = location.replace("http://127.0.0.1", "").split("?", 1)[0]
    status, _, page, cookie = _request(port, "GET", path, cookie)
    token, field = CSRF_RE.search(page), FIELD_RE.search(page)
    if status != 200 or token is None or field is None:
        raise SystemExit(f"attempt page answered {status} (or has no choice question on page 1)")
    body = {"csrf_token": html_.unescape(token.group(1)), "page": "1",
            field.group(1): html_.unescape(field.group(2))}
    return path, cookie, body


def sign_in_form(port: int, username: str) -> tuple[str, str]:
    """A signed-out browser at the sign-in page: its cookie, and the form it will send."""
    status, _, page, cookie = _request(port, "GET", "/login", "")
    token = CSRF_RE.search(page)
    if status != 200 or token is None:
        raise SystemExit(f"sign-in page answered {status}")
    return cookie, urlencode({"csrf_token": html_.unescape(token.group(1)), "username": username,
                              "password": PASSWORD})


def argon2_rate(seconds: float = 8.0) -> float:
    """Password checks per second on every core at once, with the platform's own hasher: what
    sign-ins could reach if nothing else cost anything."""
    from concurrent.futures import ProcessPoolExecutor

    from academy.config import DEFAULTS  # what the server runs with (the tests' app is cheaper)

    config = {key: DEFAULTS[key] for key in
              ("ARGON2_TIME_COST", "ARGON2_MEMORY_COST", "ARGON2_PARALLELISM")}
    cores = os.cpu_count() or 1
    with ProcessPoolExecutor(cores) as pool:
        counts = list(pool.map(_verify_for, [(config, seconds)] * cores))
    return sum(counts) / seconds


def _verify_for(job) -> int:
    import time

    from argon2 import PasswordHasher, Type

    config, seconds = job
    hasher = PasswordHasher(time_cost=config["ARGON2_TIME_COST"],
                            memory_cost=config["ARGON2_MEMORY_COST"],
                            parallelism=config["ARGON2_PARALLELISM"], type=Type.ID)
    stored = hasher.hash(PASSWORD)
    done, end = 0, time.monotonic() + seconds
    while time.monotonic() < end:
        hasher.verify(stored, PASSWORD)
        done += 1
    return done


# --- wrk --------------------------------------------------------------------------------------

def run_wrk(target: Target, port: int, server: Server, args, tmp: Path) -> Run:
    script = tmp / "pages.lua"
    if not script.exists():
        script.write_text(WRK_SCRIPT)
    flat = [item for path, cookie, body in target.requests
            for item in (path, f"{COOKIE}={cookie}" if cookie else "x=1", body or "-")]
    command = ["wrk", f"-t{args.wrk_threads}", f"-c{args.connections}", f"-d{args.duration}",
               "--timeout", "10s", "--latency", "-s", str(script), f"http://127.0.0.1:{port}", "--",
               str(len(target.requests)), target.method, str(target.expect), *flat]
    before = cpu_seconds(server.workers())
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    cpu = cpu_seconds(server.workers()) - before
    found = json.loads(output.split("JSON", 1)[1].splitlines()[0])
    requests = max(1, found["requests"])
    return Run(found["requests"] / found["seconds"], found["p50"], found["p99"],
               1000 * cpu / requests, found["bad"] + found["errors"])


# --- SQL statements per page, counted in-process ------------------------------------------------

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


def main() -> None:
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
    if not shutil.which("wrk"):
        sys.exit("wrk is missing (Debian: apt-get install wrk)")
    tmp = Path(tempfile.mkdtemp(prefix="campus-bench-pages-"))
    base = "sqlite" if args.sqlite else os.environ.get("ACADEMY_BENCH_DATABASE_URL", DEFAULT_BASE)
    url = create_database(base, tmp, BENCH_DATABASE)
    secret = secrets.token_hex(32)
    app = make_app(url, tmp, TESTING=False, SECRET_KEY=secret, VERIFY_MAX_PER_ADDRESS=10**8)
    servers: dict[str, Server] = {}
    try:
        upgrade_schema(app)
        ids = seed(app, args.connections)
        from bench import floor

        floor.seed(url)
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
        print(f"# bench/pages.py on {url.split(':')[0]}: gunicorn -w {args.workers} --threads "
              f"{args.threads}, wrk -t{args.wrk_threads} -c{args.connections} -d{args.duration}, "
              f"{args.reps} interleaved repetitions, {os.cpu_count()} cores", flush=True)
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
        for name, server in servers.items():
            errors = [line for line in server.error_log.read_text().splitlines()
                      if "Traceback" in line or "ERROR" in line]
            if errors:
                print(f"gunicorn ({name}) logged {len(errors)} errors; logs in {tmp}")
    finally:
        for server in servers.values():
            server.stop()
        with app.app_context():
            from academy.extensions import db

            db.engine.dispose()
        drop_database(url, base, BENCH_DATABASE)


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
