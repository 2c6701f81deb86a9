"""Command line: flask --app wsgi <command>. Each command commits once, at its end."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_migrate import upgrade

from academy.backups.commands import backup_cli
from academy.domain_errors import DomainError
from academy.extensions import db
from academy.i18n import (
    INTERFACE_LOCALES,
    LOCALES,
    TRANSLATIONS_DIR,
    compile_catalogues,
    extract_argv,
)
from academy.maintenance.commands import maintenance_cli

demo_cli = AppGroup("demo", help="The demo data set.")
users_cli = AppGroup("users", help="People and their roles.")
academies_cli = AppGroup("academies", help="Member academies of the network.")
courses_cli = AppGroup("courses",
                       help="Course packages: import and export the network's curricula.")
translations_cli = AppGroup("translations", help="Interface translations (gettext catalogues).")
quizzes_cli = AppGroup("quizzes", help="Quiz attempts.")
jobs_cli = AppGroup("jobs", help="Background jobs (bulk certificates).")
audit_cli = AppGroup("audit", help="The audit log.")


def _fail(error: DomainError) -> None:
    db.session.rollback()
    where = f" ({error.field})" if error.field else ""
    raise click.ClickException(f"{error.message}{where}")


@demo_cli.command("load", help="Load the demo academies and people (only into an empty database).")
def demo_load() -> None:
    from academy.demo import is_loaded, load_demo
    from academy.demo.data import DEMO_PASSWORD

    if is_loaded():
        click.echo("The database already has academies; the demo was not loaded again.")
        return
    logins = load_demo()
    db.session.commit()
    click.echo(f"Demo loaded: {len(logins)} people. Password for every demo login: {DEMO_PASSWORD}")


@users_cli.command("create", help="Create a person; prints a one-time password unless --password.")
@click.argument("username")
@click.option("--name", "display_name", required=True, help="Full name, as on certificates.")
@click.option("--email", default=None, help="Optional e-mail address.")
@click.option("--staff-number", default=None, help="Optional institutional staff number.")
@click.option("--academy", "academy_slug", default=None, help="Home academy (short name).")
@click.option("--role", "roles", multiple=True,
              type=click.Choice(["trainee", "instructor", "academy_admin"]),
              help="Role in the home academy (repeatable).")
@click.option("--network-role", "network_roles", multiple=True,
              type=click.Choice(["coordinator", "site_admin"]),
              help="Network-wide role (repeatable).")
@click.option("--locale", default=None, type=click.Choice(INTERFACE_LOCALES),
              help="Interface language (es, es_419, pt_BR, pt_PT, fr, it, en).")
@click.option("--password", is_flag=True, help="Ask for the password instead of generating one.")
def users_create(username, display_name, email, staff_number, academy_slug, roles, network_roles,
                 locale, password) -> None:
    from academy.academies.queries import academy_by_slug
    from academy.accounts.operations import create_user

    academy = None
    if academy_slug:
        academy = academy_by_slug(academy_slug)
        if academy is None:
            raise click.ClickException(f"No academy with the short name {academy_slug!r}.")
    if roles and academy is None:
        raise click.ClickException("Academy roles need --academy.")
    secret = (click.prompt("Password", hide_input=True, confirmation_prompt=True)
              if password else None)
    try:
        user, one_time = create_user(username=username, display_name=display_name, email=email,
                                     staff_number=staff_number, academy=academy, locale=locale,
                                     password=secret, roles=roles, network_roles=network_roles)
    except DomainError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"Created {user.username}.")
    if one_time:
        click.echo(f"One-time password (to change at first sign-in): {one_time}")


@academies_cli.command("create", help="Create a member academy.")
@click.argument("slug")
@click.option("--country", required=True, help="ISO 3166 country code, e.g. ES.")
@click.option("--locale", "default_locale", default="", type=click.Choice(["", *INTERFACE_LOCALES]),
              help="The academy's default interface language (default: its country's, e.g. "
                   "pt_BR for BR).")
@click.option("--name", "names", multiple=True, required=True, metavar="LOCALE=NAME",
              help="The name in one language, e.g. es='Centro de Estudios Penitenciarios'.")
def academies_create(slug, country, default_locale, names) -> None:
    from academy.academies.operations import create_academy

    parsed = {}
    for item in names:
        code, sep, name = item.partition("=")
        if not sep or code not in LOCALES:
            raise click.BadParameter(
                f"{item!r}: use LOCALE=NAME with a locale of {', '.join(LOCALES)}",
                param_hint="--name")
        parsed[code] = name
    try:
        academy = create_academy(slug=slug, names=parsed, country=country.upper(),
                                 default_locale=default_locale)
    except DomainError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"Created academy {academy.slug}.")


def _require_upgraded_database() -> None:
    """Stop with one clear line when the database's schema is missing or behind this Campus."""
    from alembic.script import ScriptDirectory
    from sqlalchemy import inspect, text

    migrate = current_app.extensions["migrate"]
    scripts = ScriptDirectory.from_config(migrate.migrate.get_config(migrate.directory))
    head = scripts.get_current_head()
    connection = db.session.connection()
    current = (connection.scalar(text("SELECT version_num FROM alembic_version"))
               if inspect(connection).has_table("alembic_version") else None)
    if current is None:
        raise click.ClickException(
            "The database has no tables yet: run `flask --app wsgi db upgrade` first.")
    if current != head:
        raise click.ClickException(f"The database is at revision {current}, this Campus needs "
                                   f"{head}: run `flask --app wsgi db upgrade` first.")


def _no_academy(slug: str) -> str:
    return (f"No academy with the short name {slug!r}. Create it first with `flask --app wsgi "
            f"academies create {slug} --country CC --locale LL --name LL=NAME`.")


@courses_cli.command("import", help="Import a course package (a folder or a .zip) as a draft.")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--academy", "academy_slug", default=None,
              help="Import into this academy instead of the package's owner.")
@click.option("--publish", is_flag=True, help="Publish the course right away.")
def courses_import(path: Path, academy_slug: str | None, publish: bool) -> None:
    from academy.academies.queries import academy_by_slug
    from academy.curricula import operations as course_ops
    from academy.curricula import topics
    from academy.packages import operations as package_ops
    from academy.packages.archive import ArchiveError, read_folder, read_zip
    from academy.packages.data import PackageInvalid

    _require_upgraded_database()
    academy = None
    if academy_slug:
        academy = academy_by_slug(academy_slug)
        if academy is None:
            raise click.ClickException(_no_academy(academy_slug))
    try:
        files = read_folder(path) if path.is_dir() else read_zip(path.read_bytes())
        course = package_ops.import_package(files, academy)
    except package_ops.OwnerMissing as error:
        db.session.rollback()
        raise click.ClickException(_no_academy(error.slug)) from None
    except ArchiveError as error:
        db.session.rollback()
        raise click.ClickException(f"{path}: {error}") from None
    except PackageInvalid as error:
        db.session.rollback()
        report = "\n".join(f"  {path}/{problem}" for problem in error.problems)
        raise click.ClickException(
            f"the package has problems; nothing was imported:\n{report}") from None
    if publish:
        course_ops.publish_course(course)
    suggested = topics.suggest_topics(course.tags, None)
    db.session.commit()
    if suggested:
        click.echo("Topics suggested to the coordinators (not yet in the network's vocabulary): "
                   + ", ".join(suggested))
    click.echo(f"Imported {course.slug} into {course.academy.slug}.")


@courses_cli.command("export",
                     help="Write a course as a package folder (or a .zip if PATH ends so).")
@click.argument("slug")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--academy", "academy_slug", default=None, help="The owner academy, if ambiguous.")
def courses_export(slug: str, path: Path, academy_slug: str | None) -> None:
    from academy.curricula.queries import courses_by_slug
    from academy.packages.archive import write_zip
    from academy.packages.writer import export_course

    found = courses_by_slug(slug, academy_slug)
    if len(found) != 1:
        raise click.ClickException(
            f"No course {slug!r}." if not found
            else f"Several courses are called {slug!r}: use --academy.")
    files = export_course(found[0].id)
    if path.suffix == ".zip":
        path.write_bytes(write_zip(files, slug))
    else:
        for name, content in files.items():
            target = path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
    click.echo(f"Exported {slug} to {path} ({len(files)} files).")


@quizzes_cli.command("close-overdue", help="Submit every attempt past its deadline and grace "
                     "period, graded with the answers saved. Pages only read (an overdue attempt "
                     "shows as over): run this every minute (cron, a systemd timer) so grades and "
                     "essays to grade follow without anyone saving.")
def quizzes_close_overdue() -> None:
    from academy.db import utcnow
    from academy.maintenance.queries import open_window
    from academy.quizzes.closing import close_overdue

    if open_window() is not None:
        # The trainees could not answer: their deadlines move when maintenance ends.
        click.echo("Maintenance mode is on: overdue attempts are closed after it ends.")
        return
    closed = close_overdue(utcnow())
    db.session.commit()
    click.echo(f"Closed {closed} overdue attempt(s).")


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True)


@translations_cli.command("extract",
                          help="Collect the marked strings into translations/messages.pot.")
def translations_extract() -> None:
    _pybabel(*extract_argv(TRANSLATIONS_DIR / "messages.pot"))


@translations_cli.command("update", help="Merge messages.pot into every locale's messages.po.")
def translations_update() -> None:
    _pybabel("update", "-i", str(TRANSLATIONS_DIR / "messages.pot"), "-d", str(TRANSLATIONS_DIR),
             "--no-fuzzy-matching", "--ignore-obsolete")


@translations_cli.command("compile", help="Build messages.mo from every messages.po.")
def translations_compile() -> None:
    built = compile_catalogues(force=True)
    click.echo(f"Compiled {len(built)} catalogues.")


@audit_cli.command("verify", help="Check the audit log's hash chain; name the first entry altered "
                                   "or removed (exit status 1 then). Prints the chain's head "
                                   "(NUMBER:HASH) to keep elsewhere; --anchor checks one kept "
                                   "earlier is still in the chain.")
@click.option("--anchor", "anchors", multiple=True, metavar="NUMBER:HASH",
              help="An entry's number and hash noted earlier (repeatable).")
def audit_verify(anchors: tuple[str, ...]) -> None:
    from academy.audit.chain import head_anchor, parse_anchor, verify

    parsed = []
    for text in anchors:
        anchor = parse_anchor(text)
        if anchor is None:
            raise click.BadParameter(f"{text!r} is not NUMBER:HASH (64 hexadecimal digits).",
                                     param_hint="--anchor")
        parsed.append(anchor)
    verdict = verify(anchors=tuple(parsed))
    if verdict.is_intact:
        click.echo(f"The audit log is intact: {verdict.checked} entries checked"
                   + (f", {len(parsed)} anchor(s) found." if parsed else "."))
        head = head_anchor()
        if head:
            click.echo(f"Chain head (keep it outside the database): {head}")
        return
    what = {"altered": f"entry #{verdict.seq} was altered",
            "removed": f"entry #{verdict.seq} was removed",
            "rewritten": f"entry #{verdict.seq} is not the one anchored: the chain was "
                         f"rewritten from there on",
            "truncated": f"the entries from #{verdict.seq} on were removed"}[verdict.problem]
    raise click.ClickException(f"The audit log is broken: {what} "
                               f"({verdict.checked} entries before it are intact).")


@jobs_cli.command("worker", help="Run jobs from Redis (RQ) until stopped; needs ACADEMY_REDIS_URL.")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def jobs_worker(burst: bool) -> None:
    from rq import SimpleWorker

    from academy.jobs import runner, sweeper

    app: Flask = current_app._get_current_object()
    if not app.config.get("REDIS_URL"):
        raise click.ClickException("ACADEMY_REDIS_URL is not set: jobs run in the web process.")
    queue = runner.queue(app)
    if not burst:
        sweeper.ensure_started(app)  # takes up the jobs of workers that died
    # SimpleWorker runs each job in this process (no fork): the job starts its own renderers.
    SimpleWorker([queue], connection=queue.connection).work(burst=burst)


@jobs_cli.command("sweep", help="Take up jobs whose runner stopped and retries that are due, "
                                "and remove old downloads, once.")
def jobs_sweep() -> None:
    from academy.jobs import runner

    app: Flask = current_app._get_current_object()
    taken = runner.sweep()
    removed = runner.expire(int(app.config["JOB_DOWNLOADS_KEPT_DAYS"]))
    click.echo(f"Jobs taken up again: {len(taken)}; old downloads removed: {removed}.")


@click.command("serve", help="Upgrade the database, load the demo if it is empty, and serve.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-demo", is_flag=True, help="Do not load the demo data into an empty database.")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Server processes (default: one per core, at least 2).")
@click.option("--threads", type=click.IntRange(1, 64), default=4, show_default=True,
              help="Threads per process.")
def serve(host: str, port: int, no_demo: bool, workers: int | None, threads: int) -> None:
    from academy.server import default_workers, run

    app: Flask = current_app._get_current_object()
    if prepare_database(load=not no_demo):
        click.echo("Demo data loaded (see README.md for the logins).")
    click.echo(f"Campus is running at http://{host}:{port}/ (Ctrl+C stops it).")
    run(app, host, port, workers or default_workers(), threads)


def prepare_database(load: bool) -> bool:
    """Bring the schema up to date and, if asked and the database is empty, load the demo; True
    if it loaded. Ends with no transaction and no connection open: the server's processes open
    their own, and a transaction left open here held SQLite's write lock for as long as the
    server ran (every sign-in then waited and failed)."""
    from academy.demo import is_loaded, load_demo

    upgrade()
    loaded = False
    try:
        if load and not is_loaded():
            load_demo()
            db.session.commit()
            loaded = True
    finally:
        db.session.remove()
        db.engine.dispose()
    return loaded


def register_cli(app: Flask) -> None:
    """Attach the command groups to `flask --app wsgi`."""
    from academy.credentials.commands import keys_cli
    from academy.moodle.cli import moodle_cli

    for command in (demo_cli, users_cli, academies_cli, courses_cli, translations_cli, quizzes_cli,
                    jobs_cli, audit_cli, backup_cli, maintenance_cli, moodle_cli, keys_cli, serve):
        app.cli.add_command(command)
