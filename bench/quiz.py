"""A quiz under load (issue 5): 300 trainees taking a 20-question quiz at once under gunicorn.

Seeds a published course whose quiz mixes every automatically graded question type, serves the
app with gunicorn in production mode, and runs one thread per trainee (stdlib `http.client`,
keeping the connection open when the server does): start, then on every page three background
saves with changing answers and a page change, then the summary and the submission. Latencies
are compared with a bare Flask page served by the same gunicorn settings and hit by the same
client in the same run. Afterwards the database must hold, for every question of every attempt,
the answer that trainee last sent (read the way `responses.read` reads it), and every attempt
must have been submitted once.

Target: an answer save's p95 under 100 ms and zero lost answers.
"""
from __future__ import annotations

import argparse
import math
import re
import secrets
import shutil
import sys
import tempfile
import time
from collections import Counter
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
from bench.quiz_checks import count_queries, verify  # noqa: E402
from bench.quiz_crowd import Trainee, run_baseline, run_trainees  # noqa: E402
from bench.quiz_report import Counters, report, server_times  # noqa: E402
from bench.quiz_seed import seed  # noqa: E402
from tests.support import make_app, upgrade_schema  # noqa: E402

BENCH_DATABASE = "campus_bench_quiz"


# --- Main --------------------------------------------------------------------------------------

def think_range(value: str) -> tuple[float, float]:
    low, _, high = value.partition("-")
    return float(low), float(high or low)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, default=300)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--per-page", type=int, default=5)
    parser.add_argument("--workers", type=int, default=8,
                        help="gunicorn workers (default 8 single-threaded processes: see README)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--think", type=think_range, default=(1.0, 3.0),
                        help="seconds between a trainee's actions, low-high (default 1-3)")
    parser.add_argument("--ramp", type=float, default=10.0,
                        help="seconds over which the trainees press Start (default 10)")
    parser.add_argument("--autosaves", type=int, default=3, help="background saves per page")
    parser.add_argument("--double-submit", type=float, default=0.1,
                        help="share of trainees whose submission is sent twice at once")
    parser.add_argument("--baseline-requests", type=int, default=6,
                        help="requests per simulated client against the bare page")
    parser.add_argument("--keep-alive", type=int, default=None,
                        help="gunicorn --keep-alive in seconds (default: the longest think + 5 s, "
                             "so a browser's connection stays open between its saves)")
    parser.add_argument("--fresh-connections", action="store_true",
                        help="a new connection per request, as behind a proxy without upstream "
                             "keep-alive")
    parser.add_argument("--timeout", type=float, default=60.0, help="client timeout, seconds")
    parser.add_argument("--warm", action="store_true",
                        help="take the questions' frozen versions before the crowd starts (as a "
                             "first attempt would), so only the steady state is measured")
    parser.add_argument("--sqlite", action="store_true", help="an SQLite file instead")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    if args.keep_alive is None:
        args.keep_alive = math.ceil(args.think[1]) + 5
    return args


def gunicorn_options(args) -> GunicornOptions:
    return GunicornOptions(workers=args.workers, threads=args.threads, keep_alive=args.keep_alive)


def main() -> None:
    args = parse_args()
    wall = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="campus-bench-quiz-"))
    base = bench_base(args.sqlite)
    url = create_database(base, tmp, BENCH_DATABASE)
    secret = secrets.token_hex(32)
    app = make_app(url, tmp, TESTING=False, SECRET_KEY=secret)
    servers: list[Server] = []
    keep = False
    try:
        upgrade_schema(app)
        started = time.perf_counter()
        ids = seed(app, args.trainees, args.questions, args.per_page, args.warm)
        seeded_in = time.perf_counter() - started
        cookies = [session_cookie(app, token) for token in ids["tokens"]]
        (tmp / "baseline_app.py").write_text(BASELINE_APP)
        env = app_env(url, secret, tmp)
        print(f"Seeded in {seeded_in:.1f} s; bare baseline under the same crowd...", flush=True)
        servers.append(start_server("baseline_app:app", tmp, env, gunicorn_options(args), tmp,
                                    "baseline"))
        baseline, _ = run_baseline(servers[-1].port, args)
        servers.pop().stop()
        print(f"{len(baseline)} baseline requests; {args.trainees} trainees take the quiz...",
              flush=True)
        server = start_server("wsgi:app", ROOT, env, gunicorn_options(args), tmp, "campus")
        servers.append(server)
        counters = Counters(url, server)
        before = counters.take()
        trainees = [Trainee(n, ids["user_ids"][n]) for n in range(args.trainees)]
        load_wall = run_trainees(trainees, cookies, ids, args, server.port)
        usage = counters.delta(before, counters.take())
        server.stop()
        servers.pop()
        verdict = verify(app, trainees, ids["lesson"])
        try:
            queries = count_queries(app, ids, args.per_page)
        except Exception as error:  # noqa: BLE001 - a bench reports what it found, and goes on
            queries = {f"probe failed ({type(error).__name__})": 0}
        report(args, url, seeded_in, baseline, trainees, load_wall, server_times(server.access_log)
               | {"baseline": server_times(tmp / "baseline-access.log").get("baseline", [])},
               usage, verdict, queries)
        errors = [entry for entry in server.error_log.read_text().splitlines()
                  if re.match(r"\w+\.\w+(\.\w+)*(Error|Exception|Detected)\b", entry)]
        for error, n in Counter(errors).most_common(5):
            print(f"gunicorn error log: {n} x {error[:200]}")
        if errors:
            keep = True
            print(f"logs kept in {tmp}")
        print(f"wall time: {time.perf_counter() - wall:.0f} s")
    finally:
        for server in servers:
            server.stop()
        dispose(app)
        drop_database(url, base, BENCH_DATABASE)
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
