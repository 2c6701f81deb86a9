"""Report indexes: enrolments by person and start, by start, by completion

By person and start: the dashboards' active trainees (one probe per person). By start and by
completion: reports of a short period (a year's reads most rows anyway).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 01:09:52.101208

"""
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrolments_activated_at'), ['activated_at'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_enrolments_completed_at'), ['completed_at'],
                              unique=False)
        batch_op.create_index('ix_enrolments_user_id_activated_at', ['user_id', 'activated_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.drop_index('ix_enrolments_user_id_activated_at')
        batch_op.drop_index(batch_op.f('ix_enrolments_completed_at'))
        batch_op.drop_index(batch_op.f('ix_enrolments_activated_at'))
