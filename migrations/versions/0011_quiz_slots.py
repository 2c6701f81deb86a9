"""Quiz slots: a quiz's questions, random draws, marks and pages, in their own table

Until now a question sat in at most one quiz (`questions.lesson_id`, ordered by `position`) and a
quiz could add one group of random questions (`draw_category`, `draw_count` in its settings).
Each quiz now lists its slots: a bank question or a random draw from a category, each with its
mark and page, so one question can serve several quizzes. Existing quizzes get the slots they
had: their questions in order, then their random draws, paged by their questions per page.
Attempt slots keep the mark they were worth.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 04:20:00

"""
import json

import sqlalchemy as sa
from alembic import op

from academy.db import sqlite_foreign_keys_off

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def _settings(value) -> dict:
    if isinstance(value, str):
        value = json.loads(value or "{}")
    return dict(value or {})


def _count(value, fallback: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 \
        else fallback


def _fill_slots(bind) -> None:
    lessons = sa.table('lessons', sa.column('id', sa.Integer), sa.column('kind', sa.String),
                       sa.column('settings', sa.JSON))
    questions = sa.table('questions', sa.column('id', sa.Integer),
                         sa.column('lesson_id', sa.Integer), sa.column('position', sa.Integer))
    slots = sa.table('quiz_slots', sa.column('lesson_id', sa.Integer),
                     sa.column('position', sa.Integer), sa.column('page', sa.Integer),
                     sa.column('question_id', sa.Integer), sa.column('category', sa.String),
                     sa.column('mark', sa.Float))
    rows = []
    for lesson_id, raw in bind.execute(sa.select(lessons.c.id, lessons.c.settings)
                                       .where(lessons.c.kind == 'quiz')).all():
        settings = _settings(raw)
        per_page = _count(settings.get('questions_per_page'), 5)
        placed = [q for (q,) in bind.execute(
            sa.select(questions.c.id).where(questions.c.lesson_id == lesson_id)
            .order_by(questions.c.position, questions.c.id))]
        category = settings.get('draw_category') if isinstance(
            settings.get('draw_category'), str) else ''
        draws = _count(settings.get('draw_count'), 0) if category else 0
        entries = [(q, None) for q in placed] + [(None, category)] * draws
        for index, (question_id, drawn_from) in enumerate(entries):
            rows.append({'lesson_id': lesson_id, 'position': index + 1,
                         'page': index // per_page + 1 if per_page else 1,
                         'question_id': question_id, 'category': drawn_from, 'mark': 1.0})
        if 'draw_category' in settings or 'draw_count' in settings:
            settings.pop('draw_category', None)
            settings.pop('draw_count', None)
            bind.execute(lessons.update().where(lessons.c.id == lesson_id)
                         .values(settings=settings))
    if rows:
        bind.execute(slots.insert(), rows)


def upgrade():
    op.create_table('quiz_slots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('page', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.String(length=200), nullable=True),
    sa.Column('mark', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'],
                            name=op.f('fk_quiz_slots_lesson_id_lessons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'],
                            name=op.f('fk_quiz_slots_question_id_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_slots'))
    )
    with op.batch_alter_table('quiz_slots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_slots_lesson_id'), ['lesson_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_slots_question_id'), ['question_id'],
                              unique=False)
    with op.batch_alter_table('quiz_attempt_slots', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mark', sa.Float(), server_default='1', nullable=False))

    _fill_slots(op.get_bind())

    # SQLite drops a column by copying the table: with its foreign keys enforced, dropping the
    # old `questions` would delete the new slots (CASCADE) and unlink past attempts from their
    # questions (SET NULL).
    with sqlite_foreign_keys_off(op), op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questions_lesson_id'))
        batch_op.drop_constraint(batch_op.f('fk_questions_lesson_id_lessons'), type_='foreignkey')
        batch_op.drop_column('lesson_id')


def downgrade():
    with sqlite_foreign_keys_off(op), op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lesson_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_questions_lesson_id_lessons'), 'lessons',
                                    ['lesson_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index(batch_op.f('ix_questions_lesson_id'), ['lesson_id'], unique=False)
    # A question goes back to the first quiz that used it (random draws are not restored).
    op.execute(
        "UPDATE questions SET lesson_id = (SELECT quiz_slots.lesson_id FROM quiz_slots "
        "WHERE quiz_slots.question_id = questions.id ORDER BY quiz_slots.id LIMIT 1)")
    with op.batch_alter_table('quiz_attempt_slots', schema=None) as batch_op:
        batch_op.drop_column('mark')
    with op.batch_alter_table('quiz_slots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_slots_question_id'))
        batch_op.drop_index(batch_op.f('ix_quiz_slots_lesson_id'))
    op.drop_table('quiz_slots')
