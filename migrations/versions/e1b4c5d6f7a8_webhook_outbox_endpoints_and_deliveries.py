"""webhook outbox: endpoints, messages, deliveries; when a refund was found overdue

Revision ID: e1b4c5d6f7a8
Revises: d9a3b4c5e6f7
Create Date: 2026-12-04 15:20:00.000000

"""
from alembic import op
import sqlalchemy as sa
import webapp.core.db

# revision identifiers, used by Alembic.
revision = 'e1b4c5d6f7a8'
down_revision = 'd9a3b4c5e6f7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('webhook_endpoints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('marketplace_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('secret', sa.String(length=100), nullable=False),
    sa.Column('events', sa.String(length=400), nullable=False),
    sa.Column('created_at', webapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('disabled_at', webapp.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['marketplace_id'], ['marketplaces.id'], name=op.f('fk_webhook_endpoints_marketplace_id_marketplaces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_endpoints'))
    )
    with op.batch_alter_table('webhook_endpoints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webhook_endpoints_marketplace_id'), ['marketplace_id'], unique=False)
    op.create_table('webhook_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('marketplace_id', sa.Integer(), nullable=False),
    sa.Column('dispute_id', sa.Integer(), nullable=True),
    sa.Column('msg_id', sa.String(length=40), nullable=False),
    sa.Column('event_type', sa.String(length=40), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('created_at', webapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dispute_id'], ['disputes.id'], name=op.f('fk_webhook_messages_dispute_id_disputes')),
    sa.ForeignKeyConstraint(['marketplace_id'], ['marketplaces.id'], name=op.f('fk_webhook_messages_marketplace_id_marketplaces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_messages')),
    sa.UniqueConstraint('msg_id', name=op.f('uq_webhook_messages_msg_id'))
    )
    op.create_table('webhook_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('endpoint_id', sa.Integer(), nullable=False),
    sa.Column('dispute_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('pending', 'delivered', 'failed', name='deliverystatus', native_enum=False, length=24, create_constraint=False), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', webapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_attempt_at', webapp.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_status_code', sa.Integer(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('delivered_at', webapp.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', webapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dispute_id'], ['disputes.id'], name=op.f('fk_webhook_deliveries_dispute_id_disputes')),
    sa.ForeignKeyConstraint(['endpoint_id'], ['webhook_endpoints.id'], name=op.f('fk_webhook_deliveries_endpoint_id_webhook_endpoints')),
    sa.ForeignKeyConstraint(['message_id'], ['webhook_messages.id'], name=op.f('fk_webhook_deliveries_message_id_webhook_messages')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_deliveries')),
    sa.UniqueConstraint('message_id', 'endpoint_id', name='uq_webhook_deliveries_message_endpoint')
    )
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_webhook_deliveries_chain', ['endpoint_id', 'dispute_id', 'status'], unique=False)
        batch_op.create_index('ix_webhook_deliveries_due', ['status', 'next_attempt_at'], unique=False)
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('overdue_at', webapp.core.db.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_column('overdue_at')
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_webhook_deliveries_due')
        batch_op.drop_index('ix_webhook_deliveries_chain')
    op.drop_table('webhook_deliveries')
    op.drop_table('webhook_messages')
    with op.batch_alter_table('webhook_endpoints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhook_endpoints_marketplace_id'))
    op.drop_table('webhook_endpoints')
