"""Signing keys: the public halves of the network's and academies' Ed25519 keys

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 20:40:00

Private keys are kept outside the database (docs/credentials.md).
"""
import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('signing_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kid', sa.String(length=43), nullable=False),
    sa.Column('academy_id', sa.Integer(), nullable=True),
    sa.Column('public_key', sa.LargeBinary(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['academy_id'], ['academies.id'],
                            name=op.f('fk_signing_keys_academy_id_academies'),
                            ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signing_keys')),
    sa.UniqueConstraint('kid', name=op.f('uq_signing_keys_kid'))
    )
    op.create_index(op.f('ix_signing_keys_academy_id'), 'signing_keys', ['academy_id'],
                    unique=False)


def downgrade():
    op.drop_index(op.f('ix_signing_keys_academy_id'), table_name='signing_keys')
    op.drop_table('signing_keys')
