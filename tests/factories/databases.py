"""Whole databases of a test's own, for what works on whole databases (backups, restores)."""
from __future__ import annotations

import secrets
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from tests.support import TEST_DATABASE_URL, is_postgres


@contextmanager
def own_database(tmp: Path):
    """The URL of a new, empty database: an SQLite file, or a PostgreSQL database created on the
    test server (and dropped afterwards): pg_dump and pg_restore work on whole databases."""
    if not is_postgres():
        yield f"sqlite:///{tmp / ('campus-' + secrets.token_hex(4) + '.sqlite3')}"
        return
    base = sa.engine.make_url(TEST_DATABASE_URL)
    name = f"campus_drill_{secrets.token_hex(4)}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
