"""The fault drill itself: the faults (workers killed, PostgreSQL restarted, Redis stopped) while
the trainees save, and afterwards what the database holds against what was acknowledged."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import threading
from dataclasses import dataclass, field

from bench.faults_trainees import Clock, Probe, Trainee
from bench.harness import Server
from bench.measures import machine_busy
from bench.services import PrivatePostgres, PrivateRedis


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
    busy_after = machine_busy()
    busy, total = (after - before for after, before in zip(busy_after, busy_before, strict=False))
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

    from academy.extensions import db
    from academy.quizzes.models import Attempt

    verdict = Verdict()
    with app.app_context():
        attempts = {a.id: a for a in db.session.scalars(
            select(Attempt).where(Attempt.id.in_([t.attempt_id for t in trainees]))
            .options(selectinload(Attempt.slots)))}
        for trainee in trainees:
            slots = {s.position: s for s in attempts[trainee.attempt_id].slots}
            for position, slot in slots.items():
                check_question(verdict, trainee, position, slot)
    return verdict


def check_question(verdict: Verdict, trainee: Trainee, position: int, slot) -> None:
    """The slot holds the answer of the question's latest acknowledged save, or a later one."""
    sent = {s.seq: s for s in trainee.saves if position in s.fields}
    acked = [seq for seq, s in sent.items() if position in s.acknowledged]
    if not acked:
        return
    verdict.checked += 1
    stored = sent.get(slot.saved_seq)
    wanted = stored_answer(stored, position, slot) if stored is not None else None
    if wanted is None:
        stored = None
    if slot.saved_seq < max(acked) or stored is None or slot.response != wanted[0]:
        save = sent[max(acked)]
        verdict.lost.append(
            f"attempt {trainee.attempt_id} q{position}: acknowledged seq {save.seq} "
            f"at {save.request.started:.1f} s ({save.request.status}, request id "
            f"{save.request.request_id or '-'}); stored seq {slot.saved_seq}, "
            f"{slot.response!r}")


def stored_answer(save, position: int, slot) -> tuple | None:
    """What the save's fields read as (`responses.read`), in a tuple; None when refused."""
    from werkzeug.datastructures import MultiDict

    from academy.quizzes import responses

    items = len(slot.version.spec.get("answers", []))
    try:
        return (responses.read(slot.version.qtype, slot.choice_order, items,
                               MultiDict(save.fields[position]), position),)
    except responses.AnswerRejected:
        return None
