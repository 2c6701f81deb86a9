"""Parts of pages kept for a short while, so the next requests need not compute them again.

In Redis when `ACADEMY_REDIS_URL` is set (every server process and node sees the same part,
computed once), else in this process (a bounded store per worker). What is kept is text (a
rendered fragment) with the moment it was computed, which the page shows: a kept part is never
presented as live. A store that fails (Redis down) is skipped, never an error: the part is
computed as if nothing had been kept.

Used for the dashboards (issue 14): their figures sum up the whole network, cost a second of
database time at network size, and a minute's delay changes nothing for whoever reads them.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from academy.db import utcnow

log = logging.getLogger(__name__)

PROCESS_ENTRIES = 256  # parts one process keeps at most; the least recently used go first
REDIS_PREFIX = "campus:kept:"


@dataclass(frozen=True)
class Kept:
    text: str
    computed_at: datetime  # UTC


class ProcessStore:
    """Parts kept in this process, each until its time is up."""

    def __init__(self, entries: int = PROCESS_ENTRIES) -> None:
        self.entries = entries
        self._items: OrderedDict[str, tuple[float, Kept]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Kept | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            if found[0] <= time.monotonic():
                del self._items[key]
                return None
            self._items.move_to_end(key)
            return found[1]

    def put(self, key: str, kept: Kept, seconds: int) -> None:
        with self._lock:
            self._items[key] = (time.monotonic() + seconds, kept)
            self._items.move_to_end(key)
            while len(self._items) > self.entries:
                self._items.popitem(last=False)


class RedisStore:
    """Parts kept in Redis, shared by every process; an unreachable Redis keeps nothing."""

    def __init__(self, url: str) -> None:
        import redis  # imported here so the embedded mode never needs a Redis server

        self.errors = redis.RedisError
        self.client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)

    def get(self, key: str) -> Kept | None:
        try:
            raw = self.client.get(REDIS_PREFIX + key)
        except self.errors as error:
            log.warning("kept parts: Redis unreachable, computing instead (%s)", error)
            return None
        if raw is None:
            return None
        found = json.loads(raw)
        return Kept(found["text"], datetime.fromisoformat(found["at"]))

    def put(self, key: str, kept: Kept, seconds: int) -> None:
        raw = json.dumps({"text": kept.text, "at": kept.computed_at.isoformat()})
        try:
            self.client.setex(REDIS_PREFIX + key, seconds, raw)
        except self.errors as error:
            log.warning("kept parts: Redis unreachable, nothing kept (%s)", error)


def store() -> ProcessStore | RedisStore:
    """The store this app is configured for (one per app and process)."""
    found = current_app.extensions.get("campus_kept")
    if found is None:
        url = current_app.config.get("REDIS_URL")
        found = current_app.extensions["campus_kept"] = RedisStore(url) if url else ProcessStore()
    return found


def kept(key: str, seconds: int, compute: Callable[[], str]) -> Kept:
    """The part kept under `key`, or `compute()`d now and kept for `seconds` (0: never kept)."""
    if seconds <= 0:
        return Kept(compute(), utcnow())
    where = store()
    found = where.get(key)
    if found is None:
        found = Kept(compute(), utcnow())
        where.put(key, found, seconds)
    return found
