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
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.faults_report import report  # noqa: E402
from bench.faults_trainees import Client, Clock, Probe, SetupFailed, Trainee  # noqa: E402
from bench.harness import GunicornOptions, Server, app_env, start_server  # noqa: E402
from bench.measures import machine_busy  # noqa: E402
from bench.services import PrivatePostgres, PrivateRedis, port_near  # noqa: E402
from tests.support import make_app  # noqa: E402

DEMO_PASSWORD = "campus-demo"  # academy/demo/data.py
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


# --- Setting up -----------------------------------------------------------------------------

def workers_of(config: Path | None, env: dict) -> int:
    """How many workers gunicorn starts: gunicorn.conf.py's count for this environment, or 3
    (`gunicorn -w 3`) while the repository has no such file."""
    if config is None:
        return 3
    from academy import server

    return server.production_settings(env)["workers"]


def flask(env: dict, *command: str) -> None:
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *command], cwd=ROOT,
                          env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"flask {' '.join(command)} failed:\n{done.stderr[-3000:]}")


@dataclass
class Cast:
    trainees: list[str]  # usernames, the demo's trainees with nothing done first
    quizzes: list[list[tuple[int, int]]]  # per shared course, its (course id, quiz lesson id)s
    probe: list[str]
    certificate: str | None


def cast_of(app, count: int) -> Cast:
    """Who takes part: the demo's 30 trainees with nothing done yet (es.trainee1 ...), then, for
    more, trainees the drill adds with the demo's password; the quizzes of the network's shared
    courses; graduates for the probe; a certificate to check."""
    from sqlalchemy import select

    from academy.academies.models import Academy
    from academy.accounts.operations import create_user
    from academy.certificates.models import Certificate
    from academy.curricula.models import Course, Lesson, Module
    from academy.demo.data import ACADEMIES
    from academy.extensions import db

    prefixes = [spec["prefix"] for spec in ACADEMIES]
    with app.app_context():
        names = [f"{prefix}.trainee{n}" for n in (1, 2, 3) for prefix in prefixes][:count]
        academy = db.session.scalar(select(Academy).order_by(Academy.id))
        for n in range(len(names), count):
            names.append(f"faults.trainee{n + 1}")
            create_user(username=names[-1], display_name=f"Alumna {n + 1}", academy=academy,
                        roles=["trainee"], locale="es", password=DEMO_PASSWORD)
        db.session.commit()
        rows = db.session.execute(
            select(Course.id, Lesson.id).join(Module, Module.course_id == Course.id)
            .join(Lesson, Lesson.module_id == Module.id)
            .where(Lesson.kind == "quiz", Course.status == "published",
                   Course.visibility == "network", Course.revision_of_id.is_(None),
                   Lesson.removed_at.is_(None))
            .order_by(Course.id, Module.position, Lesson.position)).all()
        courses: dict[int, list[tuple[int, int]]] = {}
        for course_id, lesson_id in rows:
            courses.setdefault(course_id, []).append((course_id, lesson_id))
        code = db.session.scalar(select(Certificate.code).where(Certificate.revoked_at.is_(None))
                                 .order_by(Certificate.id))
    return Cast(names, list(courses.values()), [f"{p}.graduate1" for p in prefixes], code)


def quizzes_for(cast: Cast, number: int) -> list[tuple[int, int]]:
    """Every quiz, starting with another course for each trainee (they spread over courses)."""
    turn = number % len(cast.quizzes)
    return [quiz for course in cast.quizzes[turn:] + cast.quizzes[:turn] for quiz in course]


def set_up_trainees(trainees: list[Trainee]) -> list[Trainee]:
    """Every trainee signed in with an open attempt, in parallel; the ones that failed are left
    out (and named)."""
    failures: list[str] = []

    def one(trainee: Trainee) -> None:
        try:
            trainee.set_up()
        except SetupFailed as error:
            failures.append(str(error))

    threads = [threading.Thread(target=one, args=(t,), daemon=True) for t in trainees]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for failure in failures:
        print(f"  left out: {failure}", flush=True)
    return [t for t in trainees if t.pages]


# --- The faults -----------------------------------------------------------------------------

class Faults:
    """The worker killer and the two outages, on their own threads, with when they happened."""

    def __init__(self, server: Server, pg: PrivatePostgres, redis: PrivateRedis, clock: Clock,
                 args) -> None:
        self.server, self.pg, self.redis, self.clock, self.args = server, pg, redis, clock, args
        self.kills = 0
        self.pg_window: tuple[float, float] | None = None
        self.redis_window: tuple[float, float] | None = None
        self.notes: list[str] = []

    def threads(self, stop: threading.Event, start: float) -> list[threading.Thread]:
        jobs = []
        if self.args.kill_every > 0:
            jobs.append(lambda: self.kill_workers(stop))
        if not self.args.no_pg_restart:
            jobs.append(lambda: self.restart_postgres(stop, start + self.args.duration / 3))
        if not self.args.no_redis_stop:
            jobs.append(lambda: self.stop_redis(stop, start + 2 * self.args.duration / 3))
        return [threading.Thread(target=job, daemon=True) for job in jobs]

    def kill_workers(self, stop: threading.Event) -> None:
        rng = random.Random(self.args.seed)
        while not stop.wait(self.args.kill_every):
            workers = self.server.workers()
            if not workers:
                continue
            try:
                os.kill(rng.choice(workers), signal.SIGKILL)
                self.kills += 1
            except ProcessLookupError:
                pass

    def restart_postgres(self, stop: threading.Event, at: float) -> None:
        if stop.wait(max(0.0, at - self.clock.now())):
            return
        began = self.clock.now()
        try:
            self.pg.restart()
        except (RuntimeError, subprocess.TimeoutExpired) as error:
            self.notes.append(f"PostgreSQL restart failed: {error}")
        self.pg_window = (began, self.clock.now())

    def stop_redis(self, stop: threading.Event, at: float) -> None:
        if stop.wait(max(0.0, at - self.clock.now())):
            return
        began = self.clock.now()
        self.redis.stop()
        stop.wait(self.args.redis_down)  # cut short if the run ends: Redis comes back either way
        self.redis.start()
        self.redis_window = (began, self.clock.now())


def run_load(trainees: list[Trainee], probe: Probe, faults: Faults, clock: Clock,
             args) -> tuple[float, float, float]:
    """Saves, the probe and the faults for `--duration` seconds; returns (start, end, the share
    of the machine's CPU busy meanwhile: other work on it shows in every figure)."""
    stop = threading.Event()
    start = clock.now()
    busy_before = machine_busy()
    threads = [threading.Thread(target=t.save_loop, args=(stop,), daemon=True) for t in trainees]
    threads.append(threading.Thread(target=probe.run, args=(stop,), daemon=True))
    threads += faults.threads(stop, start)
    for thread in threads:
        thread.start()
    try:
        while not stop.wait(min(15.0, max(0.0, start + args.duration - clock.now()))):
            if clock.now() >= start + args.duration:
                break
            saves = sum(len(t.saves) for t in trainees)
            print(f"  {clock.now() - start:3.0f} s: {saves} saves, {faults.kills} workers killed",
                  flush=True)
    finally:
        stop.set()
        for thread in threads:
            thread.join(args.timeout + 25)
    busy, total = (after - before for after, before in zip(machine_busy(), busy_before))
    return start, clock.now(), busy / max(1, total)


# --- Checking the database --------------------------------------------------------------------

@dataclass
class Verdict:
    checked: int = 0  # questions with at least one acknowledged save
    lost: list[str] = field(default_factory=list)  # a line per question whose answer is missing


def verify(app, trainees: list[Trainee]) -> Verdict:
    """Each question must hold the answer of its latest acknowledged save, or of a later save
    (one the server took but whose answer never reached the trainee)."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload
    from werkzeug.datastructures import MultiDict

    from academy.extensions import db
    from academy.quizzes import responses
    from academy.quizzes.models import Attempt

    verdict = Verdict()
    with app.app_context():
        attempts = {a.id: a for a in db.session.scalars(
            select(Attempt).where(Attempt.id.in_([t.attempt_id for t in trainees]))
            .options(selectinload(Attempt.slots)))}
        for trainee in trainees:
            slots = {s.position: s for s in attempts[trainee.attempt_id].slots}
            for position, slot in slots.items():
                sent = {s.seq: s for s in trainee.saves if position in s.fields}
                acked = [seq for seq, s in sent.items() if position in s.acknowledged]
                if not acked:
                    continue
                verdict.checked += 1
                stored = sent.get(slot.saved_seq)
                wanted = None
                if stored is not None:
                    items = len(slot.version.spec.get("answers", []))
                    try:
                        wanted = responses.read(slot.version.qtype, slot.choice_order, items,
                                                MultiDict(stored.fields[position]), position)
                    except responses.AnswerRejected:
                        stored = None
                if slot.saved_seq < max(acked) or stored is None or slot.response != wanted:
                    save = sent[max(acked)]
                    verdict.lost.append(
                        f"attempt {trainee.attempt_id} q{position}: acknowledged seq {save.seq} "
                        f"at {save.request.started:.1f} s ({save.request.status}, request id "
                        f"{save.request.request_id or '-'}); stored seq {slot.saved_seq}, "
                        f"{slot.response!r}")
    return verdict


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
