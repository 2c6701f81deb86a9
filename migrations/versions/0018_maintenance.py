"""Maintenance mode: the windows the platform was closed for maintenance

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 17:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('maintenance_windows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_maintenance_windows'))
    )
    # At most one open window (maintenance on): the same expression for every open row.
    op.create_index('uq_maintenance_windows_open', 'maintenance_windows',
                    [sa.text('(ended_at IS NULL)')], unique=True,
                    sqlite_where=sa.text('ended_at IS NULL'),
                    postgresql_where=sa.text('ended_at IS NULL'))


def downgrade():
    op.drop_index('uq_maintenance_windows_open', table_name='maintenance_windows')
    op.drop_table('maintenance_windows')
