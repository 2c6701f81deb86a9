"""Topics: the network's vocabulary of course topics, with a name in each language

Courses stay tagged with slugs (as packages carry them); each slug may have a topic with its names,
approved by a coordinator, or waiting as a suggestion. The slugs courses already use become
suggestions, named after themselves until a coordinator names them.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 05:00:00

"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('topics',
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('names', sa.JSON(), nullable=False),
    sa.Column('is_approved', sa.Boolean(), nullable=False),
    sa.Column('suggested_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['suggested_by_id'], ['users.id'],
                            name=op.f('fk_topics_suggested_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('slug', name=op.f('pk_topics'))
    )
    bind = op.get_bind()
    tags = sa.table('course_tags', sa.column('tag', sa.String))
    topics = sa.table('topics', sa.column('slug', sa.String), sa.column('names', sa.JSON),
                      sa.column('is_approved', sa.Boolean),
                      sa.column('created_at', sa.DateTime(timezone=True)))
    used = [tag for (tag,) in bind.execute(sa.select(tags.c.tag).distinct())]
    if used:
        now = datetime.now(UTC)
        bind.execute(topics.insert(), [{'slug': tag, 'names': {}, 'is_approved': False,
                                        'created_at': now} for tag in used])


def downgrade():
    op.drop_table('topics')
