"""Jobs that finish: a heartbeat, the runner that holds the job, attempts and the next retry

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 16:40:00

"""
import sqlalchemy as sa
from alembic import op

from academy.db import sqlite_foreign_keys_off

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('jobs') as batch:
        batch.add_column(sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('runner', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('run_after', sa.DateTime(timezone=True), nullable=True))
        batch.create_index('ix_jobs_status', ['status'])


def downgrade():
    # SQLite copies `jobs` to drop its columns: keep what points at it.
    with sqlite_foreign_keys_off(op), op.batch_alter_table('jobs') as batch:
        batch.drop_index('ix_jobs_status')
        batch.drop_column('run_after')
        batch.drop_column('attempts')
        batch.drop_column('runner')
        batch.drop_column('heartbeat_at')
