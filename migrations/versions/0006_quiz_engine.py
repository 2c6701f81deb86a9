"""Quiz engine

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 19:29:46.903501

"""
import sqlalchemy as sa
from alembic import op

from academy.db import sqlite_foreign_keys_off

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('quiz_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deadline_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('grace_seconds', sa.Integer(), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('fraction', sa.Float(), nullable=True),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'],
                            name=op.f('fk_quiz_attempts_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'],
                            name=op.f('fk_quiz_attempts_lesson_id_lessons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_quiz_attempts_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_attempts')),
    sa.UniqueConstraint('lesson_id', 'user_id', 'number',
                        name=op.f('uq_quiz_attempts_lesson_id_user_id_number'))
    )
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_attempts_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_attempts_lesson_id'), ['lesson_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_attempts_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_attempts_user_id'), ['user_id'], unique=False)

    op.create_table('quiz_overrides',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('cohort_id', sa.Integer(), nullable=True),
    sa.Column('opens_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('time_limit_minutes', sa.Integer(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'],
                            name=op.f('fk_quiz_overrides_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'],
                            name=op.f('fk_quiz_overrides_lesson_id_lessons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_quiz_overrides_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_overrides'))
    )
    with op.batch_alter_table('quiz_overrides', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_overrides_lesson_id'), ['lesson_id'],
                              unique=False)

    op.create_table('quiz_results',
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('fraction', sa.Float(), nullable=False),
    sa.Column('is_passed', sa.Boolean(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'],
                            name=op.f('fk_quiz_results_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'],
                            name=op.f('fk_quiz_results_lesson_id_lessons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_quiz_results_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('lesson_id', 'user_id', name=op.f('pk_quiz_results'))
    )
    with op.batch_alter_table('quiz_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_results_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_results_user_id'), ['user_id'], unique=False)

    op.create_table('question_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=True),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('ident', sa.String(length=100), nullable=False),
    sa.Column('qtype', sa.String(length=32), nullable=False),
    sa.Column('spec', sa.JSON(), nullable=False),
    sa.Column('texts', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'],
                            name=op.f('fk_question_versions_course_id_courses'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'],
                            name=op.f('fk_question_versions_question_id_questions'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_versions')),
    sa.UniqueConstraint('question_id', 'version',
                        name=op.f('uq_question_versions_question_id_version'))
    )
    with op.batch_alter_table('question_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_versions_course_id'), ['course_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_question_versions_question_id'), ['question_id'],
                              unique=False)

    op.create_table('quiz_attempt_slots',
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('page', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('choice_order', sa.JSON(), nullable=False),
    sa.Column('response', sa.JSON(), nullable=True),
    sa.Column('saved_seq', sa.BigInteger(), nullable=False),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('fraction', sa.Float(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('graded_by_id', sa.Integer(), nullable=True),
    sa.Column('graded_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['attempt_id'], ['quiz_attempts.id'],
                            name=op.f('fk_quiz_attempt_slots_attempt_id_quiz_attempts'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['graded_by_id'], ['users.id'],
                            name=op.f('fk_quiz_attempt_slots_graded_by_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'],
                            name=op.f('fk_quiz_attempt_slots_question_id_questions'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['version_id'], ['question_versions.id'],
                            name=op.f('fk_quiz_attempt_slots_version_id_question_versions'),
                            ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('attempt_id', 'position', name=op.f('pk_quiz_attempt_slots'))
    )
    with op.batch_alter_table('quiz_attempt_slots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_attempt_slots_question_id'), ['question_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_attempt_slots_version_id'), ['version_id'],
                              unique=False)

    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))



def downgrade():
    # SQLite copies `questions` to drop its columns: keep what points at it.
    with sqlite_foreign_keys_off(op), op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_column('updated_at')
        batch_op.drop_column('version')

    with op.batch_alter_table('quiz_attempt_slots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_attempt_slots_version_id'))
        batch_op.drop_index(batch_op.f('ix_quiz_attempt_slots_question_id'))

    op.drop_table('quiz_attempt_slots')
    with op.batch_alter_table('question_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_versions_question_id'))
        batch_op.drop_index(batch_op.f('ix_question_versions_course_id'))

    op.drop_table('question_versions')
    with op.batch_alter_table('quiz_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_results_user_id'))
        batch_op.drop_index(batch_op.f('ix_quiz_results_course_id'))

    op.drop_table('quiz_results')
    with op.batch_alter_table('quiz_overrides', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_overrides_lesson_id'))

    op.drop_table('quiz_overrides')
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_attempts_user_id'))
        batch_op.drop_index(batch_op.f('ix_quiz_attempts_status'))
        batch_op.drop_index(batch_op.f('ix_quiz_attempts_lesson_id'))
        batch_op.drop_index(batch_op.f('ix_quiz_attempts_course_id'))

    op.drop_table('quiz_attempts')
