"""Audit chain: each event's number, previous hash and own hash; the chain's head row

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 23:13:43.293551

"""
import hashlib
import json
from datetime import UTC

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

GENESIS = "0" * 64


def _hash(row, seq, prev):
    # A frozen copy of academy.audit.chain.event_hash as it was when this revision was written.
    at = row.at if row.at.tzinfo else row.at.replace(tzinfo=UTC)
    details = row.details if isinstance(row.details, dict) else json.loads(row.details or "{}")
    content = {
        "seq": seq, "prev": prev,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": row.actor_id, "academy_id": row.academy_id, "action": row.action,
        "target_type": row.target_type, "target_id": row.target_id,
        "address": row.address, "details": details,
    }
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def upgrade():
    chain = op.create_table('audit_chain',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_audit_events_seq'), ['seq'])

    # The events recorded before the chain existed are chained in the order they were written.
    events = sa.table('audit_events', sa.column('id'), sa.column('seq'), sa.column('prev_hash'),
                      sa.column('hash'), sa.column('at', sa.DateTime(timezone=True)),
                      sa.column('actor_id'), sa.column('academy_id'), sa.column('action'),
                      sa.column('target_type'), sa.column('target_id'), sa.column('address'),
                      sa.column('details', sa.JSON()))
    bind = op.get_bind()
    prev, seq = GENESIS, 0
    for row in bind.execute(sa.select(events).order_by(events.c.id)).all():
        seq += 1
        digest = _hash(row, seq, prev)
        bind.execute(events.update().where(events.c.id == row.id)
                     .values(seq=seq, prev_hash=prev, hash=digest))
        prev = digest
    op.bulk_insert(chain, [{"id": 1, "last_seq": seq, "last_hash": prev}])


def downgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_events_seq'), type_='unique')
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('seq')

    op.drop_table('audit_chain')
