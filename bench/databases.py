"""A database of its own for a benchmark run: created on PostgreSQL (or an SQLite file), dropped
at the end. A database left by an interrupted run of the same script is dropped first."""
from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

# The PostgreSQL server the benchmarks create their databases on (ACADEMY_BENCH_DATABASE_URL).
DEFAULT_BASE = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def create_database(base: str, tmp: Path, name: str) -> str:
    """A fresh database `name` on the PostgreSQL server of `base`, or an SQLite file in `tmp`."""
    if not base.startswith("postgresql"):
        return f"sqlite:///{tmp / 'bench.sqlite3'}"
    url = make_url(base)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def drop_database(url: str, base: str, name: str) -> None:
    if not url.startswith("postgresql"):
        return
    engine = create_engine(make_url(base), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    engine.dispose()


def bench_base(sqlite: bool) -> str:
    """Where a run's database goes: "sqlite" (a file in the run's folder), or the PostgreSQL
    server of ACADEMY_BENCH_DATABASE_URL (default DEFAULT_BASE)."""
    return "sqlite" if sqlite else os.environ.get("ACADEMY_BENCH_DATABASE_URL", DEFAULT_BASE)


def dispose(app) -> None:
    """Close the app's database connections (before its database is dropped)."""
    from academy.extensions import db

    with app.app_context():
        db.engine.dispose()
