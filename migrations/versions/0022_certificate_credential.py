"""Each certificate's Open Badges 3.0 credential (a VC-JWT, and its JSON with an embedded proof),
kept as issued

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 23:00:00

Certificates issued before have none (their PDF carries none either); a renewal or reissue
gives the new certificate its credential (academy/certificates/open_badge.py).
"""
import sqlalchemy as sa
from alembic import op

from academy.db import sqlite_foreign_keys_off

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('certificates') as batch:
        batch.add_column(sa.Column('credential', sa.Text(), nullable=True))
        batch.add_column(sa.Column('credential_json', sa.Text(), nullable=True))


def downgrade():
    # SQLite copies `certificates` to drop its columns: keep what points at it.
    with sqlite_foreign_keys_off(op), op.batch_alter_table('certificates') as batch:
        batch.drop_column('credential_json')
        batch.drop_column('credential')
