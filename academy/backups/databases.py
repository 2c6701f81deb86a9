"""The database part of a snapshot. SQLite: the online backup API, which copies the database as
of one moment, including the writes still in the WAL (copying the file does not). PostgreSQL:
pg_dump's custom format and pg_restore, whose major version must not be older than the server's.
"""
from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, Connection, Engine

from academy.backups import BackupError

SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.dump"
PG_BIN_ROOT = Path("/usr/lib/postgresql")  # Debian keeps each major version's tools apart
SQLITE_TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class DatabaseCopy:
    """What a snapshot's database file is: its name, Alembic revision, server and tool."""

    file: str
    dialect: str
    revision: str | None
    server_version: str
    tool: str


def snapshot(engine: Engine, folder: Path) -> DatabaseCopy:
    """Copy the database into `folder` as it is at one moment. Raises BackupError."""
    if engine.dialect.name == "sqlite":
        return _sqlite_snapshot(_sqlite_path(engine), folder / SQLITE_FILE)
    if engine.dialect.name == "postgresql":
        return _postgres_snapshot(engine, folder / POSTGRES_FILE)
    raise BackupError(f"Backups handle SQLite and PostgreSQL databases, not {engine.dialect.name}.")


def restore(engine: Engine, copy: Path) -> None:
    """Load a snapshot's database file into the (empty) database of `engine`. Raises BackupError."""
    engine.dispose()  # no pooled connection may keep the old, empty file's pages
    if engine.dialect.name == "sqlite":
        _sqlite_restore(copy, _sqlite_path(engine))
    else:
        _postgres_restore(engine, copy)


def table_names(engine: Engine) -> list[str]:
    """The tables of the database (of its current schema, on PostgreSQL)."""
    with engine.connect() as connection:
        return inspect(connection).get_table_names()


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError("The SQLite database is not a plain file: nothing to back up or restore.")
    return Path(database).resolve()


def _sqlite_snapshot(source_path: Path, target: Path) -> DatabaseCopy:
    if not source_path.is_file():
        raise BackupError(f"{source_path}: no such database file.")
    source = sqlite3.connect(f"{source_path.as_uri()}?mode=rw", uri=True,
                             timeout=SQLITE_TIMEOUT_SECONDS)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # in one step: one read transaction, while writers go on (WAL)
        copy.execute("PRAGMA journal_mode=DELETE")  # the copy is one self-contained file
        verdict = copy.execute("PRAGMA quick_check").fetchone()[0]
        if verdict != "ok":
            raise BackupError(f"{source_path}: SQLite's check of the copy failed: {verdict}")
        revision = _sqlite_revision(copy)
    finally:
        copy.close()
        source.close()
    return DatabaseCopy(SQLITE_FILE, "sqlite", revision, sqlite3.sqlite_version,
                        "SQLite online backup API")


def _sqlite_revision(connection: sqlite3.Connection) -> str | None:
    if not connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                              "name = 'alembic_version'").fetchone():
        return None
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


def _sqlite_restore(copy: Path, target_path: Path) -> None:
    target_path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"{copy.resolve().as_uri()}?mode=ro", uri=True)
    target = sqlite3.connect(target_path, timeout=SQLITE_TIMEOUT_SECONDS)
    try:
        # An empty file the app opened is in WAL mode, where a backup cannot change the page size.
        target.execute("PRAGMA journal_mode=DELETE")
        source.backup(target)
    except sqlite3.Error as error:
        raise BackupError(f"{target_path}: the restore failed: {error}") from None
    finally:
        target.close()
        source.close()


def _postgres_snapshot(engine: Engine, target: Path) -> DatabaseCopy:
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            major, version = _server_version(connection)
            tool, tool_version = find_tool("pg_dump", major)
            # pg_dump reads what this transaction sees, so the revision read here is the dump's.
            exported = connection.scalar(text("SELECT pg_export_snapshot()"))
            revision = (connection.scalar(text("SELECT version_num FROM alembic_version"))
                        if inspect(connection).has_table("alembic_version") else None)
            _run_tool([tool, "--format=custom", f"--snapshot={exported}", f"--file={target}"],
                      engine.url)
    return DatabaseCopy(POSTGRES_FILE, "postgresql", revision, version, tool_version)


def _postgres_restore(engine: Engine, copy: Path) -> None:
    with engine.connect() as connection:
        major, _ = _server_version(connection)
    tool, _ = find_tool("pg_restore", major)
    _run_tool([tool, "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
               str(copy)], engine.url)


def _server_version(connection: Connection) -> tuple[int, str]:
    number = int(connection.scalar(text("SHOW server_version_num")))
    return number // 10000, str(connection.scalar(text("SHOW server_version")))


def find_tool(name: str, server_major: int, root: Path = PG_BIN_ROOT) -> tuple[str, str]:
    """The path and version line of PostgreSQL's `name` (pg_dump, pg_restore) of the server's
    major version, or a newer one. Raises BackupError if there is none."""
    older = []
    for candidate in (root / str(server_major) / "bin" / name, shutil.which(name)):
        if not candidate or not os.access(candidate, os.X_OK) or Path(candidate).is_dir():
            continue
        line = subprocess.run([str(candidate), "--version"], capture_output=True,
                              text=True).stdout.strip()
        found = re.search(r"\)\s+(\d+)", line)
        if found and int(found.group(1)) >= server_major:
            return str(candidate), line
        older.append(f"{candidate} is {line or 'of an unknown version'}")
    seen = f" ({'; '.join(older)})" if older else ""
    raise BackupError(f"{name} of PostgreSQL {server_major} (or newer) was not found{seen}: "
                      f"install the server's client programs "
                      f"(Debian: postgresql-client-{server_major}) "
                      f"and put them on PATH.")


def _run_tool(args: list[str], url: URL) -> None:
    conninfo = URL.create("postgresql", username=url.username, host=url.host, port=url.port,
                          database=url.database, query=url.query)
    env = {**os.environ, **({"PGPASSWORD": str(url.password)} if url.password else {})}
    name = Path(args[0]).name
    try:
        done = subprocess.run([*args, f"--dbname={conninfo.render_as_string()}"], env=env,
                              capture_output=True, text=True)
    except OSError as error:
        raise BackupError(f"{name} could not run: {error}") from None
    if done.returncode != 0:
        raise BackupError(f"{name} failed (exit status {done.returncode}): "
                          f"{done.stderr.strip() or done.stdout.strip()}")
