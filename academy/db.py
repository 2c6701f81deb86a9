"""The declarative base and the database helpers every domain shares."""
from __future__ import annotations

import contextvars
import os
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

try:
    import fcntl
except ImportError:  # Windows: writers wait on SQLite's own lock
    fcntl = None

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Typed declarative base with stable constraint names for Alembic."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given for a UTC timestamp")
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def utcnow() -> datetime:
    """The current time in UTC, timezone-aware."""
    return datetime.now(UTC)


# Whether the transactions of the current request or command are expected to write.
# Reads (GET) start a deferred transaction so they never queue behind writers; everything
# else takes SQLite's write lock up front so concurrent writers wait instead of failing.
write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar("write_intent", default=True)


@contextmanager
def reading():
    """Transactions begun inside are reads: on SQLite they take no write lock (long jobs read,
    then write in short transactions, so a classroom's writes never wait behind them)."""
    token = write_intent.set(False)
    try:
        yield
    finally:
        write_intent.reset(token)


class _Median:
    """SQLite has no median: this aggregate gives what PostgreSQL's percentile_cont(0.5) gives
    (the mean of the two middle values of an even count; NULLs ignored; NULL without values)."""

    def __init__(self) -> None:
        self.values: list[float] = []

    def step(self, value) -> None:
        if value is not None:
            self.values.append(value)

    def finalize(self) -> float | None:
        if not self.values:
            return None
        ordered = sorted(self.values)
        middle = len(ordered) // 2
        return float(ordered[middle] if len(ordered) % 2 else
                     (ordered[middle - 1] + ordered[middle]) / 2)


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """Make an SQLite engine hold a classroom: WAL, a busy timeout, BEGIN IMMEDIATE for writes."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - exercised via engine use
        # Take transaction control away from pysqlite so that BEGIN is ours (and savepoints work).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        dbapi_connection.create_aggregate("median", 1, _Median)

    queue = _WriterQueue(engine.url.database)

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        if connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
            return  # an autocommit block (a migration's PRAGMA) runs outside any transaction
        if write_intent.get():
            queue.enter(connection.info)
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            connection.info["campus_writing"] = True
        else:
            connection.exec_driver_sql("BEGIN")

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _on_end(connection):
        queue.leave(connection.info)
        connection.info.pop("campus_writing", None)

    @event.listens_for(engine.pool, "checkin")
    def _on_checkin(_dbapi_connection, record):
        queue.leave(record.info)  # a connection given back in a transaction (an error) ends it


class _WriterQueue:
    """Writers to one SQLite file take turns in the order they come, on an operating-system file
    lock, before they ask SQLite for its write lock.

    SQLite's own wait polls, sleeping up to 100 ms between tries: under 16 connections a save
    waited over a second for a lock that was free most of that time (issue 14). A file lock wakes
    the next writer as soon as the last one is done, across threads and processes; a process
    that dies releases it. Only write transactions queue: reads never take it.
    """

    def __init__(self, database: str | None) -> None:
        self.path = f"{database}.writers" if database and database != ":memory:" else None

    def enter(self, info: dict) -> None:
        if self.path is None or "campus_writer" in info or fcntl is None:
            return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        info["campus_writer"] = fd

    def leave(self, info: dict) -> None:
        fd = info.pop("campus_writer", None)
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def render_item(type_, obj, _autogen_context):
    """Alembic autogenerate: write UTCDateTime as the plain column type it stores."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def escape_like(text: str) -> str:
    """Text to put inside a LIKE pattern (with escape="\\"), its wildcards taken literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@contextmanager
def sqlite_foreign_keys_off(op):
    """For a migration that copies a table (Alembic's batch mode on SQLite): without this,
    dropping the old table would cascade to every row that points at it. The pragma only takes
    effect outside a transaction, hence the autocommit blocks (see `configure_sqlite`)."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        with op.get_context().autocommit_block():
            op.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        if sqlite:
            with op.get_context().autocommit_block():
                op.execute("PRAGMA foreign_keys=ON")
