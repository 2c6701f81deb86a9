"""Time zones: each academy's (from its country), and a person's own if they choose one

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 16:00:00

"""
import sqlalchemy as sa
from alembic import op

from academy.db import sqlite_foreign_keys_off

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

# The zone each country's academies start in (academy/zones.py keeps the full list).
COUNTRY_ZONES = {"ES": "Europe/Madrid", "PT": "Europe/Lisbon", "FR": "Europe/Paris",
                 "IT": "Europe/Rome", "BR": "America/Sao_Paulo", "CO": "America/Bogota",
                 "AR": "America/Argentina/Buenos_Aires", "CR": "America/Costa_Rica",
                 "CL": "America/Santiago", "PE": "America/Lima"}


def upgrade():
    with op.batch_alter_table('academies') as batch:
        batch.add_column(sa.Column('timezone', sa.String(length=64), nullable=False,
                                   server_default='UTC'))
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('timezone', sa.String(length=64), nullable=True))
    academies = sa.table('academies', sa.column('country', sa.String),
                         sa.column('timezone', sa.String))
    for country, zone in COUNTRY_ZONES.items():
        op.execute(academies.update().where(academies.c.country == country)
                   .values(timezone=zone))


def downgrade():
    # SQLite copies `users` and `academies` to drop a column: keep what points at them.
    with sqlite_foreign_keys_off(op), op.batch_alter_table('users') as batch:
        batch.drop_column('timezone')
    with sqlite_foreign_keys_off(op), op.batch_alter_table('academies') as batch:
        batch.drop_column('timezone')
