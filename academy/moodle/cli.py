"""`flask --app wsgi moodle import BACKUP.mbz --academy SLUG [--dry-run]`."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from academy.extensions import db

moodle_cli = AppGroup("moodle", help="Moodle course backups (.mbz).")


@moodle_cli.command("import", help="Import a Moodle 3.9-4.5 course or activity backup (.mbz) "
                    "as a draft course of an academy; --dry-run only shows what would map and "
                    "what would be skipped. User data (people, attempts, grades, logs) is never "
                    "imported.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--academy", "academy_slug", required=True, help="The academy to import into.")
@click.option("--dry-run", is_flag=True, help="Show the preview; write nothing.")
def moodle_import(path: Path, academy_slug: str, dry_run: bool) -> None:
    from academy.academies.queries import academy_by_slug
    from academy.moodle import operations
    from academy.packages.archive import ArchiveError

    academy = academy_by_slug(academy_slug)
    if academy is None:
        raise click.ClickException(f"No academy with the short name {academy_slug!r}.")
    data = path.read_bytes()
    try:
        preview = operations.preview_backup(data, academy)
        if dry_run or not preview.is_valid:
            _report(path, preview)
            if not preview.is_valid:
                raise click.ClickException("the backup has problems; nothing was imported.")
            click.echo("Dry run: nothing was imported.")
            return
        course = operations.import_backup(data, academy)
    except ArchiveError as error:
        db.session.rollback()
        raise click.ClickException(f"{path}: {error}") from None
    except operations.BackupInvalid as error:
        db.session.rollback()
        _report(path, error.preview)
        raise click.ClickException("the backup has problems; nothing was imported.") from None
    db.session.commit()
    click.echo("\n".join(preview.lines()))
    click.echo(f"Imported {course.slug} into {academy.slug} as a draft.")


def _report(path: Path, preview) -> None:
    click.echo(f"{path} (Moodle {preview.release or '?'}):")
    click.echo("\n".join(preview.lines()))
    for problem in preview.problems:
        click.echo(f"  problem {problem}", err=True)
