"""Certificates' places in their academy's Bitstring Status List

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 22:40:00

Certificates issued before get a random unused place too, so their revocation is published like
the others' (academy/certificates/status_list.py).
"""
import random

import sqlalchemy as sa
from alembic import op

from academy.db import sqlite_foreign_keys_off

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

LIST_BITS = 131072


def upgrade():
    with op.batch_alter_table('certificates') as batch:
        batch.add_column(sa.Column('status_index', sa.Integer(), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(sa.text(
        "SELECT id, academy_id FROM certificates ORDER BY id")).fetchall()
    by_academy: dict[int, list[int]] = {}
    for certificate_id, academy_id in rows:
        by_academy.setdefault(academy_id, []).append(certificate_id)
    chooser = random.SystemRandom()
    for ids in by_academy.values():
        places = chooser.sample(range(LIST_BITS), min(len(ids), LIST_BITS))
        for certificate_id, place in zip(ids, places, strict=False):
            connection.execute(sa.text(
                "UPDATE certificates SET status_index = :place WHERE id = :id"),
                {"place": place, "id": certificate_id})
    op.create_index('uq_certificates_status_index', 'certificates',
                    ['academy_id', 'status_index'], unique=True)


def downgrade():
    op.drop_index('uq_certificates_status_index', table_name='certificates')
    # SQLite copies `certificates` to drop its column: keep what points at it.
    with sqlite_foreign_keys_off(op), op.batch_alter_table('certificates') as batch:
        batch.drop_column('status_index')
