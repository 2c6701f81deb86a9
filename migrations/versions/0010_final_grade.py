"""Final grade on enrolments: the course grade kept with a completed enrolment

The reports average it instead of recomputing every completion's course grade from the quiz
results. Completed enrolments get theirs now: the mean of their quiz grades, in percent.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 01:50:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('final_grade', sa.Float(), nullable=True))
    op.execute(
        "UPDATE enrolments SET final_grade = ("
        "SELECT avg(quiz_results.fraction) * 100 FROM quiz_results "
        "WHERE quiz_results.user_id = enrolments.user_id "
        "AND quiz_results.course_id = enrolments.course_id) "
        "WHERE status = 'completed'")


def downgrade():
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.drop_column('final_grade')
