"""listing snapshots with their photos, refund payment references, idempotent API answers

Revision ID: d9a3b4c5e6f7
Revises: c8f2a3b4d5e6
Create Date: 2026-12-04 15:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
import webapp.core.db

# revision identifiers, used by Alembic.
revision = 'd9a3b4c5e6f7'
down_revision = 'c8f2a3b4d5e6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('listing_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('attributes', sa.JSON(), nullable=False),
    sa.Column('price', webapp.core.db.Money(precision=12, scale=2, asdecimal=True), nullable=False),
    sa.Column('shipping', webapp.core.db.Money(precision=12, scale=2, asdecimal=True), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('taken_at', webapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_listing_snapshots_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_snapshots')),
    sa.UniqueConstraint('order_id', name=op.f('uq_listing_snapshots_order_id'))
    )
    op.create_table('listing_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('snapshot_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=32), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['snapshot_id'], ['listing_snapshots.id'], name=op.f('fk_listing_photos_snapshot_id_listing_snapshots')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_photos')),
    sa.UniqueConstraint('snapshot_id', 'position', name='uq_listing_photos_position'),
    sa.UniqueConstraint('uuid', name=op.f('uq_listing_photos_uuid'))
    )
    with op.batch_alter_table('listing_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_listing_photos_snapshot_id'), ['snapshot_id'], unique=False)
    op.create_table('idempotent_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('marketplace_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', webapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['marketplace_id'], ['marketplaces.id'], name=op.f('fk_idempotent_answers_marketplace_id_marketplaces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotent_answers')),
    sa.UniqueConstraint('marketplace_id', 'key', name='uq_idempotent_answers_key')
    )
    with op.batch_alter_table('idempotent_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_idempotent_answers_created_at'), ['created_at'], unique=False)
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payment_reference', sa.String(length=120), nullable=True))


def downgrade():
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_column('payment_reference')
    with op.batch_alter_table('idempotent_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_idempotent_answers_created_at'))
    op.drop_table('idempotent_answers')
    with op.batch_alter_table('listing_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_listing_photos_snapshot_id'))
    op.drop_table('listing_photos')
    op.drop_table('listing_snapshots')
