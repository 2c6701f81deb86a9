"""The command line: create academies and people, load the demo, build translations."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from academy.academies.models import Academy
from academy.accounts.models import User
from academy.extensions import db


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_help_lists_every_command(runner):
    output = runner.invoke(args=["--help"]).output
    for command in ("academies", "demo", "users", "translations", "serve", "db"):
        assert command in output
    for group in ("academies", "demo", "users", "translations"):
        result = runner.invoke(args=[group, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output


def test_create_an_academy_and_a_person_from_the_command_line(runner):
    result = runner.invoke(args=["academies", "create", "ro-anp", "--country", "RO", "--locale",
                                 "en", "--name", "en=National Prison Administration Academy"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["users", "create", "ion.popescu", "--name", "Ion Popescu",
                                 "--academy", "ro-anp", "--role", "instructor"])
    assert result.exit_code == 0, result.output
    assert "One-time password" in result.output
    person = db.session.scalar(select(User).where(User.username == "ion.popescu"))
    assert person.must_change_password and person.roles_in(person.academy_id) == {"instructor"}


def test_command_line_errors_are_clear(runner):
    result = runner.invoke(args=["users", "create", "x", "--name", "X"])
    assert result.exit_code != 0 and "Use 3 to 64 characters" in result.output
    result = runner.invoke(args=["users", "create", "valid.name", "--name", "X", "--academy",
                                 "nope"])
    assert result.exit_code != 0 and "No academy with the short name 'nope'" in result.output
    result = runner.invoke(args=["academies", "create", "ok-slug", "--country", "ES", "--locale",
                                 "es", "--name", "xx=Nombre"])
    assert result.exit_code != 0 and "LOCALE=NAME" in result.output


@pytest.mark.no_transaction
def test_demo_loads_real_academies_and_people_once(demo_copy, tmp_path):
    # The session's demo, which the other tests copy, is loaded by `demo load` into an empty
    # database once (see DemoCopies): this reads what the command answered and left there.
    from tests.support import make_app

    loaded = demo_copy.template()
    assert loaded.exit_code == 0, loaded.output
    app = make_app(demo_copy(tmp_path), tmp_path)
    with app.app_context():
        academies = db.session.scalars(select(Academy)).all()
        assert len(academies) >= 6
        assert {"ES", "PT", "FR", "IT", "BR", "CO"} <= {a.country for a in academies}
        enap = db.session.scalar(select(Academy).where(Academy.slug == "fr-enap"))
        assert enap.names["fr"].startswith("École nationale d'administration pénitentiaire")
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        assert admin.is_site_admin
        assert db.session.scalar(select(User).where(User.username == "coordinator")).is_coordinator
        trainees = db.session.scalars(select(User).where(User.username.like("%.trainee%"))).all()
        assert len(trainees) >= 3 * len(academies)
        db.session.remove()
    again = app.test_cli_runner().invoke(args=["demo", "load"])
    assert "not loaded again" in again.output
    with app.app_context():
        db.engine.dispose()


def test_translations_compile(runner):
    result = runner.invoke(args=["translations", "compile"])
    assert result.exit_code == 0 and "Compiled 7 catalogues." in result.output


@pytest.mark.no_transaction
def test_serving_a_database_that_already_has_academies_leaves_it_free_to_write(tmp_path):
    """`flask serve` on an existing database (a restart) checks whether to load the demo; that
    check must not keep a transaction open while the server runs: on SQLite it held the write
    lock, and every sign-in waited and failed with "database is locked"."""
    import sqlite3

    from academy.academies import operations as academy_ops
    from academy.cli import prepare_database
    from tests.support import make_app

    app = make_app(f"sqlite:///{tmp_path / 'campus.sqlite3'}", tmp_path)
    with app.app_context():
        prepare_database(load=False)
        academy_ops.create_academy(slug="es-cep", names={"es": "CEP"}, country="ES",
                                   default_locale="es")
        db.session.commit()
        db.session.remove()
    with app.app_context():
        assert prepare_database(load=True) is False  # academies exist: no demo
        other = sqlite3.connect(tmp_path / "campus.sqlite3", timeout=0)
        other.execute("BEGIN IMMEDIATE")  # fails at once if anyone holds the write lock
        other.execute("UPDATE academies SET country = 'PT'")
        other.commit()
        other.close()
        db.engine.dispose()
