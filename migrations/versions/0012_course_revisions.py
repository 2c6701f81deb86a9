"""Course revisions: the draft of a shared course's next version, removed modules and lessons
kept for their history, and the content of each approved version

A course shared with the network is no longer edited in place: its authors edit a revision (a
course of its own, `revision_of_id`), and the network keeps the approved version until a
coordinator approves the revision, which then updates the course. A module or lesson that a
revision removes is kept, hidden (`removed_at`), with its trainees' progress and attempts.
`course_versions` keeps the package text of every approved version, to compare versions later.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 04:40:00

"""
import sqlalchemy as sa
from alembic import op

from academy.db import sqlite_foreign_keys_off

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('course_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('files', sa.JSON(), nullable=False),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'],
                            name=op.f('fk_course_versions_course_id_courses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_versions')),
    sa.UniqueConstraint('course_id', 'version', name=op.f('uq_course_versions_course_id_version'))
    )
    with op.batch_alter_table('course_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_versions_course_id'), ['course_id'],
                              unique=False)
    # SQLite copies `courses` to add the constraints: keep what points at it.
    with sqlite_foreign_keys_off(op), op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revision_of_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_courses_revision_of_id'),
                                          ['revision_of_id'])
        batch_op.create_foreign_key(batch_op.f('fk_courses_revision_of_id_courses'), 'courses',
                                    ['revision_of_id'], ['id'], ondelete='CASCADE')
    with op.batch_alter_table('modules', schema=None) as batch_op:
        batch_op.add_column(sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('lessons', schema=None) as batch_op:
        batch_op.add_column(sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    # SQLite copies `lessons` and `modules` to drop a column: keep what points at them.
    with sqlite_foreign_keys_off(op), op.batch_alter_table('lessons', schema=None) as batch_op:
        batch_op.drop_column('removed_at')
    with sqlite_foreign_keys_off(op), op.batch_alter_table('modules', schema=None) as batch_op:
        batch_op.drop_column('removed_at')
    with sqlite_foreign_keys_off(op), op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_courses_revision_of_id_courses'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_courses_revision_of_id'), type_='unique')
        batch_op.drop_column('revision_of_id')
    with op.batch_alter_table('course_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_versions_course_id'))
    op.drop_table('course_versions')
