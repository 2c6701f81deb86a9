"""Rate counters shared by every server process: Redis when configured, else the database.

Per-process memory would let most attempts through under several workers, so the counters
live where every worker sees them. Hits are counted per fixed window, and a limit is checked
against a sliding estimate (this window's hits, plus the previous window's in proportion to how
much of it still lies within the last `seconds`), so a burst at a window's edge gets no second
allowance.
"""
from __future__ import annotations

import logging
import math
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import Engine, Integer, String, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from academy.db import write_intent
from academy.extensions import db


class RateCounter(db.Model):
    """How many times a key was hit in one time window."""

    __tablename__ = "rate_counters"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    hits: Mapped[int] = mapped_column(Integer, default=0)
    expires: Mapped[int] = mapped_column(Integer, index=True)


@dataclass(frozen=True)
class Limit:
    """At most `hits` per `seconds` for one key."""

    hits: int
    seconds: int

    def window(self, now: float) -> int:
        return int(now // self.seconds)

    def retry_after(self, now: float) -> int:
        """Seconds until the current window ends."""
        return int((self.window(now) + 1) * self.seconds - now) + 1


log = logging.getLogger(__name__)
_batch: ContextVar = ContextVar("campus_rate_batch", default=None)


class DatabaseCounters:
    """Counters in the rate_counters table.

    Each change is its own short transaction, committed at once: the counter row's lock is not
    held while the request goes on (a sign-in hashes its password for 50 ms after counting it,
    and a classroom behind one address signed in one at a time, issue 14). On SQLite, when the
    request already holds the write lock (a second writer would wait for it), and inside a
    test's transaction, the changes join the request's transaction; a request that only reads
    (the public check) keeps no lock at all.
    """

    @contextmanager
    def _writing(self):
        open_batch = _batch.get()
        if open_batch is not None:
            yield open_batch
            return
        bind = db.session.get_bind()
        if isinstance(bind, Engine) and (bind.dialect.name != "sqlite" or not (
                db.session().in_transaction()
                and (write_intent.get() or _holds_sqlite_write_lock()))):
            with bind.begin() as connection:
                yield connection
        else:
            yield db.session

    @contextmanager
    def batch(self):
        """Several changes in one short transaction (a sign-in counts two keys at once)."""
        with self._writing() as writer:
            token = _batch.set(writer)
            try:
                yield
            finally:
                _batch.reset(token)

    def count(self, key: str, limit: Limit, now: float) -> int:
        stmt = select(RateCounter.hits).where(
            RateCounter.key == key, RateCounter.window_index == limit.window(now)
        )
        return db.session.scalar(stmt) or 0

    def hit(self, key: str, limit: Limit, now: float) -> int:
        window = limit.window(now)
        values = {"key": key, "window_index": window, "hits": 1,
                  "expires": (window + 1) * limit.seconds}
        insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        stmt = insert(RateCounter).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=["key", "window_index"], set_={"hits": RateCounter.hits + 1}
        ).returning(RateCounter.hits)
        with self._writing() as writer:
            hits = writer.execute(stmt).scalar_one()
            if hits == 1:  # a key's new window: sweep the rows of windows long past
                writer.execute(delete(RateCounter).where(RateCounter.expires < int(now) - 3600))
        return hits

    def forgive(self, key: str, limit: Limit, now: float) -> None:
        with self._writing() as writer:
            writer.execute(
                update(RateCounter)
                .where(RateCounter.key == key, RateCounter.window_index == limit.window(now),
                       RateCounter.hits > 0)
                .values(hits=RateCounter.hits - 1)
            )

    def reset(self, key: str) -> None:
        with self._writing() as writer:
            writer.execute(delete(RateCounter).where(RateCounter.key == key))


def _holds_sqlite_write_lock() -> bool:
    """Whether the session's open transaction holds SQLite's write lock (a second connection
    writing now would wait for this very request)."""
    return bool(db.session.connection().info.get("campus_writing"))


class RedisCounters:
    """Counters in Redis: INCR plus an expiry per window.

    While Redis cannot be reached the counters go on in the database (a sign-in or a public
    check must neither fail nor go uncounted because Redis stopped); Redis is tried again a few
    seconds later, and the hits counted meanwhile stay in the database, where they expire."""

    RETRY_AFTER = 5.0  # seconds before an unreachable Redis is tried again

    def __init__(self, url: str, prefix: str = "campus:rl:") -> None:
        import redis  # imported here so the embedded mode never needs a Redis server

        self.client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self.errors = (redis.RedisError, OSError)
        self.prefix = prefix
        self.fallback = DatabaseCounters()
        self.down_until = 0.0
        self.fell_back_at: float | None = None  # when this process last counted in the database

    def _use(self, call, *args):
        """Run `call` on Redis, or the same on the database while Redis is unreachable."""
        if time.monotonic() >= self.down_until:
            try:
                return call(*args)
            except self.errors as error:
                self.down_until = self.fell_back_at = time.monotonic() + self.RETRY_AFTER
                log.warning("rate limits: Redis unreachable, counting in the database (%s)",
                            error)
        return getattr(self.fallback, call.__name__.lstrip("_"))(*args)

    @contextmanager
    def batch(self):
        """Redis needs no transaction to count several keys (the fallback, one of its own)."""
        if time.monotonic() < self.down_until:
            with self.fallback.batch():
                yield
        else:
            yield

    def _key(self, key: str, limit: Limit, now: float) -> str:
        return f"{self.prefix}{key}:{limit.window(now)}"

    def count(self, key: str, limit: Limit, now: float) -> int:
        return self._use(self._count, key, limit, now)

    def hit(self, key: str, limit: Limit, now: float) -> int:
        return self._use(self._hit, key, limit, now)

    def forgive(self, key: str, limit: Limit, now: float) -> None:
        self._use(self._forgive, key, limit, now)

    def reset(self, key: str) -> None:
        self._use(self._reset, key)
        if self.fell_back_at is not None and time.monotonic() - self.fell_back_at < 24 * 3600:
            # Failures counted in the database during a recent outage must not lock the
            # account later, when Redis fails again within their window.
            self.fallback.reset(key)

    def _count(self, key: str, limit: Limit, now: float) -> int:
        return int(self.client.get(self._key(key, limit, now)) or 0)

    def _hit(self, key: str, limit: Limit, now: float) -> int:
        name = self._key(key, limit, now)
        pipe = self.client.pipeline()
        pipe.incr(name)
        pipe.expire(name, 2 * limit.seconds + 60)  # the next window still reads it
        return int(pipe.execute()[0])

    def _forgive(self, key: str, limit: Limit, now: float) -> None:
        name = self._key(key, limit, now)
        if int(self.client.get(name) or 0) > 0:
            self.client.decr(name)

    def _reset(self, key: str) -> None:
        for name in self.client.scan_iter(match=f"{self.prefix}{key}:*"):
            self.client.delete(name)


def counters() -> DatabaseCounters | RedisCounters:
    """The counter store this app is configured for (one Redis client per app)."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return DatabaseCounters()
    store = current_app.extensions.get("campus_rate_counters")
    if store is None:
        store = current_app.extensions["campus_rate_counters"] = RedisCounters(
            url, current_app.config["REDIS_PREFIX"]
        )
    return store


def now() -> float:
    """The clock the counters' windows are cut from."""
    return time.time()


def _recent(store, key: str, limit: Limit, now: float, current: int) -> int:
    """The hits of the last `seconds`: this window's, and the previous window's in proportion
    to the part of it that is still within reach (rounded up: the estimate never lets a hit go
    too early)."""
    overlap = 1 - (now % limit.seconds) / limit.seconds
    return current + math.ceil(store.count(key, limit, now - limit.seconds) * overlap)


def is_limited(key: str, limit: Limit, now: float | None = None) -> bool:
    """Whether the key has used up its hits in the last `seconds`."""
    now = time.time() if now is None else now
    store = counters()
    return _recent(store, key, limit, now, store.count(key, limit, now)) >= limit.hits


def record_hit(key: str, limit: Limit, now: float | None = None) -> int:
    """Count one hit for the key; return the hits of the last `seconds`, this one included."""
    now = time.time() if now is None else now
    store = counters()
    return _recent(store, key, limit, now, store.hit(key, limit, now))


def batch():
    """Count several keys in one go: `with ratelimit.batch(): record_hit(...); record_hit(...)`."""
    return counters().batch()


def forgive(key: str, limit: Limit, now: float | None = None) -> None:
    """Take back one hit in the current window (a good login from a shared address)."""
    counters().forgive(key, limit, time.time() if now is None else now)


def reset(key: str) -> None:
    """Forget a key's hits (after a successful login, say)."""
    counters().reset(key)
