"""A fault drill (issue 16): trainees save quiz answers while gunicorn workers are killed every
second, PostgreSQL restarts once and Redis stops for 20 s. Run by hand, not in CI.

Everything runs on servers of its own, in a temporary folder: a PostgreSQL cluster (initdb, port
55432 or a free one), a Redis server (port 56379 or a free one) and gunicorn with the repository's
gunicorn.conf.py, never the machine's shared PostgreSQL or Redis. The database is migrated and
the demo loaded with the README's commands. Then N demo trainees sign in, enrol, start a quiz and
save answers in a loop through the quiz page's background save (`POST /attempts/<id>/autosave`,
the fields quiz.js sends), while a probe signs in and checks a certificate every second. At the
end every save the server acknowledged must be in the database: each question holds the answer
of its latest acknowledged save, or of a later save.

    .venv/bin/python bench/faults.py                          # 20 trainees, 120 s
    .venv/bin/python bench/faults.py --duration 45 --trainees 10 --keep

Targets: 0 lost, 0 5xx outside the PostgreSQL restart, save p95 under 500 ms.
"""
from __future__ import annotations

import argparse
import secrets
import shutil
import signal
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.faults_drill import Faults, run_load, verify  # noqa: E402
from bench.faults_report import report  # noqa: E402
from bench.faults_setup import (  # noqa: E402
    DEMO_PASSWORD,
    cast_of,
    flask,
    quizzes_for,
    set_up_trainees,
    workers_of,
)
from bench.faults_trainees import Client, Clock, Probe, Trainee  # noqa: E402
from bench.harness import GunicornOptions, Server, app_env, start_server  # noqa: E402
from bench.services import PrivatePostgres, PrivateRedis, port_near  # noqa: E402
from tests.support import make_app  # noqa: E402

GUNICORN_CONF = ROOT / "gunicorn.conf.py"
ACCESS_FORMAT = "%(m)s %(U)s %(s)s %(D)s %(p)s"  # bench.harness's, and the worker's pid


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, default=20)
    parser.add_argument("--duration", type=float, default=120.0, help="seconds of load")
    parser.add_argument("--kill-every", type=float, default=1.0,
                        help="seconds between two SIGKILLs of a random gunicorn worker (0: none)")
    parser.add_argument("--no-pg-restart", action="store_true",
                        help="do not restart PostgreSQL (pg_ctl restart -m fast at 1/3 of the run)")
    parser.add_argument("--no-redis-stop", action="store_true",
                        help="do not stop Redis (at 2/3 of the run, for --redis-down seconds)")
    parser.add_argument("--redis-down", type=float, default=20.0)
    parser.add_argument("--think", type=lambda v: tuple(float(x) for x in v.split("-")),
                        default=(0.5, 1.5), help="seconds between a trainee's saves, low-high")
    parser.add_argument("--timeout", type=float, default=30.0, help="client timeout, seconds")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--keep", action="store_true",
                        help="leave the temporary folder (cluster, logs, uploads) and print it")
    return parser.parse_args()


# --- Main -------------------------------------------------------------------------------------

def interrupted(*_args) -> None:
    raise KeyboardInterrupt


def main() -> None:
    args = parse_args()
    for sig in (signal.SIGINT, signal.SIGTERM):  # a `kill` cleans up like Ctrl-C
        signal.signal(sig, interrupted)
    tmp = Path(tempfile.mkdtemp(prefix="campus-faults-"))
    pg = PrivatePostgres(tmp / "postgres", port_near(55432))
    redis = PrivateRedis(tmp, port_near(56379))
    server: Server | None = None
    app = None
    keep_logs = False
    try:
        print(f"PostgreSQL on port {pg.port}, Redis on port {redis.port}, folder {tmp}", flush=True)
        pg.start()
        redis.start()
        url = pg.create_database("campus")
        secret = secrets.token_hex(32)
        env = app_env(url, secret, tmp) | {"ACADEMY_REDIS_URL": redis.url,
                                           "ACADEMY_VERIFY_MAX_PER_ADDRESS": "100000"}
        flask(env, "db", "upgrade")
        print("Loading the demo (about 30 s)...", flush=True)
        flask(env, "demo", "load")
        from academy.config import DEFAULTS

        app = make_app(url, tmp, TESTING=False, SECRET_KEY=secret,
                       ARGON2_TIME_COST=DEFAULTS["ARGON2_TIME_COST"],
                       ARGON2_MEMORY_COST=DEFAULTS["ARGON2_MEMORY_COST"])
        cast = cast_of(app, args.trainees)
        config = GUNICORN_CONF if GUNICORN_CONF.exists() else None
        expected = GunicornOptions(workers=workers_of(config, env))
        server = start_server("wsgi:app", ROOT, env, expected, tmp, "campus", config=config,
                              access_format=ACCESS_FORMAT)
        workers = len(server.workers())
        clock = Clock()
        trainees = [Trainee(n, name, DEMO_PASSWORD, quizzes_for(cast, n),
                            Client(server.port, clock, [], args.timeout), args.think, args.seed)
                    for n, name in enumerate(cast.trainees)]
        print(f"gunicorn {'-c gunicorn.conf.py' if config else '-w 3'} ({workers} workers); "
              f"{len(trainees)} trainees sign in and start a quiz...", flush=True)
        trainees = set_up_trainees(trainees)
        if not trainees:
            raise SystemExit("no trainee could start a quiz")
        probe = Probe(server.port, clock, cast.probe, DEMO_PASSWORD, cast.certificate, 1.0,
                      args.timeout)
        faults = Faults(server, pg, redis, clock, args)
        print(f"{len(trainees)} trainees save answers for {args.duration:.0f} s...", flush=True)
        window = run_load(trainees, probe, faults, clock, args)
        server.stop()
        verdict = verify(app, trainees)
        keep_logs = report(args, config, workers, trainees, probe, faults, window, verdict,
                           [server.error_log, tmp / "campus-output.log"], server.access_log)
    except KeyboardInterrupt:
        print("\ninterrupted: stopping everything the drill started", flush=True)
    finally:
        if server is not None:
            server.stop()
        if app is not None:
            with app.app_context():
                from academy.extensions import db

                db.engine.dispose()
        redis.stop()
        pg.stop()
        clean_up(tmp, args.keep, keep_logs)


def clean_up(tmp: Path, keep: bool, keep_logs: bool) -> None:
    """Remove the folder; with problems, keep its logs (and say where); with --keep, all of it."""
    if keep:
        print(f"kept: {tmp}")
        return
    if not keep_logs:
        shutil.rmtree(tmp, ignore_errors=True)
        return
    for path in tmp.iterdir():
        if path.is_dir():
            for log in path.glob("*.log"):  # PostgreSQL's own
                shutil.move(log, tmp / log.name)
            shutil.rmtree(path, ignore_errors=True)
    print(f"logs kept in {tmp}")


if __name__ == "__main__":
    main()
