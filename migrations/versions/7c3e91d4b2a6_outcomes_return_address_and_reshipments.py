"""outcomes: a seller's local return address (F5) and re-shipments (F6, F7, C5)

Revision ID: 7c3e91d4b2a6
Revises: 5c1e9a7d3b42
Create Date: 2026-12-04 20:25:00

"""
from alembic import op
import sqlalchemy as sa
import webapp.core.db

# revision identifiers, used by Alembic.
revision = '7c3e91d4b2a6'
down_revision = '5c1e9a7d3b42'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reshipments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dispute_id', sa.Integer(), nullable=False),
    sa.Column('amount', webapp.core.db.Money(precision=12, scale=2), nullable=False),
    sa.Column('status', sa.Enum('awaiting_shipment', 'shipped', 'received', 'not_shipped', 'reopened', 'withdrawn', name='reshipstatus', native_enum=False, length=24), nullable=False),
    sa.Column('created_at', webapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('due_at', webapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('tracking_number', sa.String(length=64), nullable=True),
    sa.Column('shipped_at', webapp.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('settled_at', webapp.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['dispute_id'], ['disputes.id'], name=op.f('fk_reshipments_dispute_id_disputes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reshipments'))
    )
    with op.batch_alter_table('reshipments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reshipments_dispute_id'), ['dispute_id'], unique=False)

    with op.batch_alter_table('returns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('return_address', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('returns', schema=None) as batch_op:
        batch_op.drop_column('return_address')

    with op.batch_alter_table('reshipments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reshipments_dispute_id'))

    op.drop_table('reshipments')
