"""What this process knows of maintenance mode, read from the database at most every
MAINTENANCE_CHECK_SECONDS (5 by default).

Every request asks; a statement per page for a flag that changes a few times a year would cost
every page (tests/platform/test_page_statements.py counts them), so each process keeps what it
read for a few seconds. The price: `flask maintenance on|off` reaches every process and node
within that time (the command says so), not at once.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime

from flask import Flask


@dataclass(frozen=True)
class Maintenance:
    """Maintenance mode as read: on since `started_at`, with the operator's message."""

    started_at: datetime
    message: str


@dataclass
class _Kept:
    """One app's reading in this process: when it was made (monotonic) and what it found."""

    read_at: float | None = None
    value: Maintenance | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def is_fresh(self, seconds: float) -> bool:
        return self.read_at is not None and time.monotonic() - self.read_at < seconds


def current(app: Flask) -> Maintenance | None:
    """Maintenance mode as this process knows it (None: off). Reads the database when what it
    kept is older than MAINTENANCE_CHECK_SECONDS; needs an app context."""
    kept = _kept(app)
    seconds = app.config["MAINTENANCE_CHECK_SECONDS"]
    if kept.is_fresh(seconds):
        return kept.value
    with kept.lock:  # one thread reads; the others waiting here take what it read
        if not kept.is_fresh(seconds):
            kept.value = _read()
            kept.read_at = time.monotonic()
        return kept.value


def forget(app: Flask) -> None:
    """Read again on the next request (after this process turned maintenance on or off)."""
    _kept(app).read_at = None


def _kept(app: Flask) -> _Kept:
    return app.extensions.setdefault("campus_maintenance", _Kept())


def _read() -> Maintenance | None:
    from academy.maintenance import queries

    window = queries.open_window()
    return Maintenance(window.started_at, window.message) if window is not None else None
