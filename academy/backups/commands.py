"""`flask --app wsgi backup create|verify|restore DIR` (registered by academy/cli.py)."""
from __future__ import annotations

from importlib import metadata
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from academy.backups import BackupError, snapshots
from academy.extensions import db

backup_cli = AppGroup("backup", help="Snapshots of the database and the uploaded files.")


@backup_cli.command("create", help="Write a snapshot into DIR (new or empty): the database as of "
                    "one moment (pg_dump on PostgreSQL, SQLite's online backup otherwise), then "
                    "the upload folder's files, then manifest.json with every file's SHA-256. Safe "
                    "while the server runs.")
@click.argument("folder", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
def backup_create(folder: Path) -> None:
    try:
        done = snapshots.create(db.engine, _upload_dir(), folder, _app_version())
    except BackupError as error:
        raise click.ClickException(f"No snapshot was written. {error}") from None
    click.echo(f"Snapshot written to {folder}: the {done.dialect} database at revision "
               f"{done.revision} ({_size(done.database_bytes)}) and {done.files} uploaded "
               f"file(s) ({_size(done.upload_bytes)}).")


@backup_cli.command("verify", help="Check a snapshot: every file listed in its manifest is there "
                    "with its SHA-256 and size, and nothing else is; one line per problem, exit "
                    "status 1 if there is any.")
@click.argument("folder", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
def backup_verify(folder: Path) -> None:
    manifest, problems = snapshots.verify(folder)
    for line in problems:
        click.echo(line, err=True)
    if problems:
        raise click.ClickException(f"The snapshot in {folder} is not whole: {len(problems)} "
                                   f"problem(s).")
    database = manifest["database"]
    click.echo(f"The snapshot in {folder} is whole: {len(manifest['files'])} files checked; made "
               f"{manifest['created_at']} by Campus {manifest['app_version']} from a "
               f"{database['dialect']} database at revision {database['alembic_revision']}.")


@backup_cli.command("restore", help="Check the snapshot in DIR, then restore it into the "
                    "configured database and upload folder, which must both be empty (nothing "
                    "is overwritten: create a new database, or move the old files aside). Stop "
                    "the server first.")
@click.argument("folder", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
def backup_restore(folder: Path) -> None:
    try:
        done = snapshots.restore(db.engine, _upload_dir(), folder, _is_known_revision)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored {folder}: the {done.dialect} database at revision {done.revision} "
               f"and {done.files} uploaded file(s) into {_upload_dir()}.")
    if done.revision != _head_revision():
        click.echo("This Campus is newer than the snapshot: run `flask --app wsgi db upgrade`.")


def _upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def _app_version() -> str:
    try:
        return metadata.version("campus")
    except metadata.PackageNotFoundError:
        return "unknown"


def _scripts():
    from alembic.script import ScriptDirectory

    migrations = current_app.extensions["migrate"]
    return ScriptDirectory.from_config(migrations.migrate.get_config(migrations.directory))


def _is_known_revision(revision: str) -> bool:
    from alembic.util import CommandError

    try:
        return _scripts().get_revision(revision) is not None
    except CommandError:
        return False


def _head_revision() -> str | None:
    return _scripts().get_current_head()


def _size(count: int) -> str:
    return f"{count / 1_000_000:.1f} MB"
