"""Helpers the tests share: fresh databases, apps, CSRF tokens and sign-in."""
from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from academy import create_app

TEST_DATABASE_URL = os.environ.get("ACADEMY_TEST_DATABASE_URL")
PASSWORD = "correct horse battery staple"

FAST_HASHING = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024, "ARGON2_PARALLELISM": 1}


def local_redis(db: int) -> str:
    """The URL of database `db` of the Redis on 127.0.0.1:6379; the test is skipped when it is
    not running (and fails in CI, where it must be)."""
    import pytest
    import redis

    url = f"redis://127.0.0.1:6379/{db}"
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1)
        client.ping()
        client.close()
    except redis.RedisError:
        if os.environ.get("CI"):
            pytest.fail("Redis on 127.0.0.1:6379 is required in CI")
        pytest.skip("Redis on 127.0.0.1:6379 is not running here")
    return url


def is_postgres() -> bool:
    return bool(TEST_DATABASE_URL and TEST_DATABASE_URL.startswith("postgresql"))


def fresh_database_url(tmp_dir: Path, *, sqlite: bool = False, base: str | None = None) -> str:
    """An empty database of its own: an SQLite file, or a new schema on the test PostgreSQL."""
    base = base or TEST_DATABASE_URL
    if sqlite or not (base and base.startswith("postgresql")):
        return f"sqlite:///{tmp_dir / ('db-' + secrets.token_hex(4) + '.sqlite3')}"
    import sqlalchemy as sa

    schema = "t_" + secrets.token_hex(6)
    engine = sa.create_engine(base)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    engine.dispose()
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options=-csearch_path%3D{schema}"


def drop_fresh_database(url: str) -> None:
    """Remove what fresh_database_url made on PostgreSQL (SQLite files go with tmp dirs)."""
    match = re.search(r"search_path%3D(t_[0-9a-f]+)", url)
    if not match:
        return
    import sqlalchemy as sa

    engine = sa.create_engine(url.split("?", 1)[0])
    with engine.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {match.group(1)} CASCADE")
    engine.dispose()


def whole_database(*, template: str | None = None) -> str:
    """The URL of a new PostgreSQL database on the test server, empty or a copy of the database
    named `template` (which nobody may be connected to)."""
    import sqlalchemy as sa

    base = sa.engine.make_url(TEST_DATABASE_URL)
    name = f"campus_{secrets.token_hex(5)}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"'
                                   + (f' TEMPLATE "{template}"' if template else ""))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def drop_whole_database(url: str) -> None:
    """Remove what whole_database made (nothing to do for an SQLite file)."""
    import sqlalchemy as sa

    target = sa.engine.make_url(url)
    if not target.drivername.startswith("postgresql"):
        return
    admin = sa.create_engine(target.set(database=sa.engine.make_url(TEST_DATABASE_URL).database),
                             isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
    admin.dispose()


@dataclass(frozen=True)
class DemoTemplate:
    """A database holding the demo, the folder of its files, and what `flask demo load`
    answered when it loaded them."""

    url: str
    folder: Path
    exit_code: int
    output: str


def load_demo_template(tmp_dir: Path, *, sqlite: bool) -> DemoTemplate:
    """Load the demo (a minute's work) into a new database with the `flask demo load` command,
    to be copied by `copy_demo`."""
    from academy.extensions import db

    url = (f"sqlite:///{tmp_dir / 'demo.sqlite3'}" if sqlite or not is_postgres()
           else whole_database())
    app = make_app(url, tmp_dir)
    upgrade_schema(app)
    loaded = app.test_cli_runner().invoke(args=["demo", "load"])
    with app.app_context():
        db.engine.dispose()
    return DemoTemplate(url, tmp_dir, loaded.exit_code, loaded.output)


def copy_demo(template: DemoTemplate, tmp_dir: Path) -> str:
    """The URL of a database of its own holding the demo, a copy of `template`; its uploaded
    files and keys are copied into tmp_dir, where `make_app(url, tmp_dir)` finds them."""
    import shutil
    import sqlite3

    tmp_dir.mkdir(parents=True, exist_ok=True)
    for folder in ("uploads", "keys"):
        if (template.folder / folder).is_dir():
            shutil.copytree(template.folder / folder, tmp_dir / folder, dirs_exist_ok=True)
    if not template.url.startswith("sqlite"):
        import sqlalchemy as sa

        return whole_database(template=sa.engine.make_url(template.url).database)
    target = tmp_dir / f"demo-{secrets.token_hex(4)}.sqlite3"
    source, copy = sqlite3.connect(template.url.removeprefix("sqlite:///")), sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    return f"sqlite:///{target}"


def make_app(database_url: str, tmp_dir: Path, **overrides):
    """A Campus app for tests, on the given database, with cheap password hashing."""
    config = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "tests-only-" + secrets.token_hex(8),
        "UPLOAD_DIR": str(tmp_dir / "uploads"),
        "KEY_DIR": str(tmp_dir / "keys"),
        "REDIS_URL": None,
        # No background sweeper threads outliving their test's database (tests call the sweep).
        "JOB_SWEEP_SECONDS": 0,
        **FAST_HASHING,
        **overrides,
    }
    return create_app(config)


def upgrade_schema(app) -> None:
    """Build the schema the way production does: through the Alembic revisions."""
    import logging

    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
    logging.getLogger("alembic").setLevel(logging.WARNING)


CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def csrf_token(client, path: str = "/login") -> str:
    """The CSRF token of a page's form, read the way a browser would."""
    html = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client, username: str, password: str = PASSWORD, **extra):
    """Sign in through the real form; returns the response."""
    token = csrf_token(client, "/login")
    data = {"username": username, "password": password, "csrf_token": token, **extra}
    return client.post("/login", data=data)


def post_form(client, path: str, data: dict | None = None, *, token_from: str | None = None,
              **kwargs):
    """POST to a page with the CSRF token of the page the form is on."""
    payload = {"csrf_token": csrf_token(client, token_from or path), **(data or {})}
    return client.post(path, data=payload, **kwargs)
