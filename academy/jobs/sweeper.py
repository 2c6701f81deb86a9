"""The sweep that takes up stopped jobs and due retries, run by a thread in every web process and
every `jobs worker` (whichever comes first takes a job up; the claim lets only one run it), with
the periodic chores the app registers (closing overdue quiz attempts).

A process starts its thread on its first request (after gunicorn forks it: a thread started
before the fork would not exist in the worker). Old downloads are removed about once an hour.
"""
from __future__ import annotations

import logging
import os
import random
import threading
import time
from collections.abc import Callable

from flask import Flask

from academy.extensions import db
from academy.jobs import runner

log = logging.getLogger(__name__)
EXPIRE_EVERY = 3600.0
_started: dict[int, int] = {}  # id(app) -> the pid that started its sweeper
_lock = threading.Lock()
# Checks that hold the sweep back while true (maintenance mode: no job taken up mid-upgrade).
PAUSES: list[Callable[[Flask], bool]] = []


# Other small periodic chores every sweep does, each in its own transaction (the app factory
# registers them: closing overdue quiz attempts, so grades follow without anyone saving).
CHORES: list[Callable[[Flask], None]] = []


def also_do(chore: Callable[[Flask], None]) -> None:
    """Run `chore(app)` at every sweep (inside the app context; it commits what it writes)."""
    if chore not in CHORES:
        CHORES.append(chore)


def pause_while(check: Callable[[Flask], bool]) -> None:
    """Hold every sweep back while `check(app)` is true (the app factory registers them)."""
    if check not in PAUSES:
        PAUSES.append(check)


def ensure_started(app: Flask) -> None:
    """Start this process's sweeper for `app` once (cheap to call on every request)."""
    pid = os.getpid()
    if _started.get(id(app)) == pid:
        return
    every = float(app.config.get("JOB_SWEEP_SECONDS") or 0)
    if every <= 0 or runner.mode(app) == "inline":
        _started[id(app)] = pid
        return
    with _lock:
        if _started.get(id(app)) == pid:
            return
        _started[id(app)] = pid
        threading.Thread(target=_loop, args=(app, every), daemon=True,
                         name="campus-job-sweeper").start()


def _loop(app: Flask, every: float) -> None:
    last_expiry = 0.0
    while True:
        # A little jitter so the processes of a node do not all sweep in the same instant.
        time.sleep(every * random.uniform(0.8, 1.2))
        with app.app_context():
            try:
                if any(check(app) for check in PAUSES):
                    continue
                runner.sweep()
                for chore in CHORES:
                    chore(app)
                if time.monotonic() - last_expiry > EXPIRE_EVERY:
                    last_expiry = time.monotonic()
                    runner.expire(int(app.config["JOB_DOWNLOADS_KEPT_DAYS"]))
            except Exception as error:  # noqa: BLE001 - a database restart: sweep again later
                log.warning("job sweep failed (%s)", error)
                db.session.rollback()
            finally:
                db.session.remove()
