"""What the certificates benchmark watches while the bulk job runs: the memory of the job's
process and of its render workers, the PostgreSQL backends of its database, and another
issuer's wait for the serial counter."""
from __future__ import annotations

import os
import threading

from bench.measures import children, now, proc_status


def bench_backends(app) -> list[int]:
    """The PostgreSQL backends serving the bench's database (none on SQLite)."""
    from sqlalchemy import text

    from academy.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            return []
        with db.engine.connect() as conn:
            return list(conn.execute(text("SELECT pid FROM pg_stat_activity "
                                          "WHERE datname = current_database()")).scalars())


class MemorySampler(threading.Thread):
    """RSS of this process and of its workers every `interval` seconds, and their VmHWM."""

    def __init__(self, interval: float = 0.2) -> None:
        super().__init__(daemon=True, name="bench-memory")
        self.interval, self.stopped = interval, threading.Event()
        self.samples: list[tuple[float, int, int]] = []  # (time, pid, RSS KiB)
        self.peaks: dict[int, int] = {}  # pid: last VmHWM seen

    def run(self) -> None:
        while not self.stopped.is_set():
            self.take()
            self.stopped.wait(self.interval)
        self.take()

    def take(self) -> None:
        moment = now()
        for pid in [os.getpid(), *children()]:
            status = proc_status(pid)
            if status:
                self.samples.append((moment, pid, status.get("VmRSS", 0)))
                self.peaks[pid] = max(self.peaks.get(pid, 0), status.get("VmHWM", 0))

    def stop(self) -> None:
        self.stopped.set()
        self.join()

    def series(self, pid: int) -> list[tuple[float, int]]:
        return [(moment, rss) for moment, who, rss in self.samples if who == pid]


class SerialLockProbe(threading.Thread):
    """What another issuer meanwhile waits for the serial counter: every `interval` seconds,
    reserve a serial in a transaction of its own, then roll it back (nothing is kept)."""

    def __init__(self, app, interval: float = 0.5) -> None:
        super().__init__(daemon=True, name="bench-serial-lock")
        self.app, self.interval, self.stopped = app, interval, threading.Event()
        self.waits: list[float] = []
        self.failures: list[tuple[float, str]] = []  # (ms waited, error)

    def run(self) -> None:
        from academy.certificates import serials
        from academy.db import utcnow
        from academy.extensions import db

        while not self.stopped.wait(self.interval):
            started = now()
            with self.app.app_context():
                try:
                    serials.next_serials(utcnow().year)
                except Exception as error:  # noqa: BLE001 - SQLite: "database is locked"
                    self.failures.append(((now() - started) * 1000,
                                          f"{type(error).__name__}: {str(error).splitlines()[0]}"))
                    continue
                finally:
                    db.session.rollback()
                    db.session.remove()
            self.waits.append((now() - started) * 1000)

    def stop(self) -> None:
        self.stopped.set()
        self.join()
