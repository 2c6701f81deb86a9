"""Flagged questions: a trainee marks a question of their attempt to come back to it

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 14:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quiz_attempt_slots') as batch:
        batch.add_column(sa.Column('flagged', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('quiz_attempt_slots') as batch:
        batch.drop_column('flagged')
