"""`flask --app wsgi maintenance on|off|status` (registered by academy/cli.py)."""
from __future__ import annotations

import getpass
from datetime import datetime, timedelta

import click
from flask import current_app
from flask.cli import AppGroup

from academy.db import utcnow
from academy.extensions import db
from academy.maintenance import operations, queries, state

maintenance_cli = AppGroup("maintenance", help="Maintenance mode: pages answer 503 to everyone "
                           "but site admins.")


@maintenance_cli.command("on", help="Turn maintenance mode on: every page answers a translated "
                         "503 page to everyone but site admins (signing in, static files and the "
                         "health checks stay up). Already on: only the message changes.")
@click.option("--message", default=None, help="A line for the maintenance page, shown as typed "
              "(e.g. 'Back at 14:00 CET').")
def maintenance_on(message: str | None) -> None:
    started = operations.turn_on(utcnow(), message, by=_operator())
    db.session.commit()
    state.forget(current_app)
    since = _when(started.window.started_at)
    if started.was_on:
        click.echo(f"Maintenance mode was already on (since {since})"
                   f"{'; message changed' if message is not None else ''}.")
        return
    click.echo(f"Maintenance mode is on since {since}; every server process shows the "
               f"maintenance page within {_delay()} s.")


@maintenance_cli.command("off", help="Turn maintenance mode off; quiz deadlines move later by "
                         "the time it lasted (docs/decisions.md).")
def maintenance_off() -> None:
    ended = operations.turn_off(utcnow(), by=_operator())
    db.session.commit()
    state.forget(current_app)
    if ended is None:
        click.echo("Maintenance mode was not on; nothing changed.")
        return
    extension = ended.extension
    click.echo(f"Maintenance mode is off after {_length(ended.window)}; every server process "
               f"serves pages again within {_delay()} s. Moved later by that time: "
               f"{extension.count('attempts')} attempt deadline(s), {extension.count('quizzes')} "
               f"quiz close date(s), {extension.count('exceptions')} exception(s).")


@maintenance_cli.command("status", help="Say whether maintenance mode is on, since when and with "
                         "which message; exit status 0 either way.")
def maintenance_status() -> None:
    window = queries.open_window()
    if window is None:
        last = queries.last_window()
        ended = (f" (last on from {_when(last.started_at)} to {_when(last.ended_at)})"
                 if last else "")
        click.echo(f"Maintenance mode is off{ended}.")
        return
    click.echo(f"Maintenance mode is on since {_when(window.started_at)} ({_length(window)})"
               f"{f'; message: {window.message}' if window.message else ''}.")


def _operator() -> str:
    """Who ran the command, for the audit log (the system account's name)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC") if moment else "?"


def _length(window) -> str:
    seconds = int(((window.ended_at or utcnow()) - window.started_at) / timedelta(seconds=1))
    return f"{seconds // 3600} h {seconds // 60 % 60} min {seconds % 60} s"


def _delay() -> int:
    return int(current_app.config["MAINTENANCE_CHECK_SECONDS"])
