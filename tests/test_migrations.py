"""The schema comes only from Alembic revisions, and they agree with the models."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from academy.db import render_item
from academy.extensions import db


def test_migrations_and_models_agree(app, _transaction):
    with app.app_context():
        context = MigrationContext.configure(
            connection=_transaction,
            opts={"compare_type": True, "render_item": render_item, "target_metadata": db.metadata},
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == [], f"write a migration for: {differences}"


def test_every_revision_downgrades_and_upgrades_again(tmp_path):
    from flask_migrate import downgrade, upgrade

    from tests.support import drop_fresh_database, fresh_database_url, make_app

    url = fresh_database_url(tmp_path)
    app = make_app(url, tmp_path)
    try:
        with app.app_context():
            upgrade()
            downgrade(revision="base")
            upgrade()
            assert db.session.execute(db.text("SELECT count(*) FROM users")).scalar() == 0
            db.session.remove()
            db.engine.dispose()
    finally:
        drop_fresh_database(url)
