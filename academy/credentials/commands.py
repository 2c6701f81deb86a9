"""`flask --app wsgi keys create|rotate|revoke|list`: the network's and academies' signing keys.

Private keys go to the key folder (ACADEMY_KEY_DIR, default instance/keys); in production copy
each `<kid>.pem` into the secret store and serve it through ACADEMY_SIGNING_KEYS (a JSON object
of kid -> PEM), never into the database or its backups."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from academy.academies import queries as academy_queries
from academy.credentials import keystore, operations, queries
from academy.extensions import db

keys_cli = AppGroup(
    "keys", help="Signing keys of the network and the academies (certificates' QR codes).")


def _owner(slug: str | None) -> int | None:
    if slug is None:
        return None
    academy = academy_queries.academy_by_slug(slug)
    if academy is None:
        raise click.ClickException(f"no academy {slug}")
    return academy.id


def _finish(outcome: operations.Outcome, verb: str) -> None:
    if not outcome.ok:
        db.session.rollback()
        raise click.ClickException(outcome.problem)
    db.session.commit()
    if outcome.retired is not None:
        click.echo(f"retired {outcome.retired.kid} (it still verifies what it signed)")
    click.echo(f"{verb} {outcome.key.kid}")


@keys_cli.command("create")
@click.option("--academy", "slug", help="An academy's short name; without it, the network's key.")
def create(slug: str | None) -> None:
    """Create the first signing key of the network or of an academy."""
    outcome = operations.create_key(_owner(slug))
    _finish(outcome, "created")
    if outcome.ok:
        click.echo(f"private key: {keystore.key_dir() / (outcome.key.kid + '.pem')}")


@keys_cli.command("rotate")
@click.option("--academy", "slug", help="An academy's short name; without it, the network's key.")
def rotate(slug: str | None) -> None:
    """Make a new current key; the old one is retired but still verifies."""
    _finish(operations.rotate_key(_owner(slug)), "created")


# A kid is base64url: it may begin with "-", which must reach the argument, not the options.
@keys_cli.command("revoke", context_settings={"ignore_unknown_options": True})
@click.argument("kid")
def revoke(kid: str) -> None:
    """Mark a key revoked: what it signed no longer verifies."""
    _finish(operations.revoke_key(kid), "revoked")


@keys_cli.command("list")
def list_keys() -> None:
    """Every key: kid, owner, status, created."""
    slugs = {a.id: a.slug for a in academy_queries.all_academies()}
    for key in queries.all_keys():
        owner = "network" if key.academy_id is None else slugs.get(key.academy_id, "?")
        private = "private key here" if keystore.load_private(key.kid) else "no private key here"
        click.echo(f"{key.kid}\t{owner}\t{key.status}\t{key.created_at:%Y-%m-%d}\t{private}")
