"""protection extensions and the orders' own history

A buyer's request to extend buyer protection and the seller's answer (O10-O12); an order's own
append-only, hash-chained history (O13); notifications that tell an order's event, not a dispute's.

Revision ID: b7e3c91d4a26
Revises: a0f9c7f5c122
Create Date: 2026-12-04 20:21:41.990992

"""
from alembic import op
import sqlalchemy as sa
import webapp.core.db
from webapp.history.models import ORDER_APPEND_ONLY_FUNCTION, ORDER_APPEND_ONLY_TRIGGERS

# revision identifiers, used by Alembic.
revision = 'b7e3c91d4a26'
down_revision = 'a0f9c7f5c122'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('order_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('at', webapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_role', sa.Enum('buyer', 'seller', 'mediator', 'system', name='actor', native_enum=False, length=24), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('rule', sa.String(length=8), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_order_events_actor_id_users')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_events_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_events'))
    )
    with op.batch_alter_table('order_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_events_order_id'), ['order_id'], unique=False)
        batch_op.create_index('uq_order_events_order_sequence', ['order_id', 'sequence'], unique=True)

    op.create_table('protection_extensions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'granted', 'declined', name='extensionstatus', native_enum=False, length=24), nullable=False),
    sa.Column('days_asked', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('asked_by_id', sa.Integer(), nullable=False),
    sa.Column('asked_at', webapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', webapp.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('days_granted', sa.Integer(), nullable=True),
    sa.Column('ends_before', webapp.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ends_after', webapp.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_protection_extensions_answered_by_id_users')),
    sa.ForeignKeyConstraint(['asked_by_id'], ['users.id'], name=op.f('fk_protection_extensions_asked_by_id_users')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_protection_extensions_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_protection_extensions'))
    )
    with op.batch_alter_table('protection_extensions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_protection_extensions_order_id'), ['order_id'], unique=False)
        batch_op.create_index('uq_protection_extensions_waiting', ['order_id'], unique=True, sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('order_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('order_event_id', sa.Integer(), nullable=True))
        batch_op.alter_column('dispute_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_foreign_key(batch_op.f('fk_notifications_order_id_orders'), 'orders', ['order_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_notifications_order_event_id_order_events'), 'order_events', ['order_event_id'], ['id'])

    if op.get_bind().dialect.name == 'postgresql':
        op.execute(ORDER_APPEND_ONLY_FUNCTION)
        for statement in ORDER_APPEND_ONLY_TRIGGERS:
            op.execute(statement)



def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS order_events_no_truncate ON order_events')
        op.execute('DROP TRIGGER IF EXISTS order_events_append_only ON order_events')
        op.execute('DROP FUNCTION IF EXISTS order_events_append_only()')
    # An order's notifications name no dispute: they cannot stay once dispute_id is required again.
    op.execute('DELETE FROM notifications WHERE dispute_id IS NULL')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notifications_order_event_id_order_events'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_notifications_order_id_orders'), type_='foreignkey')
        batch_op.alter_column('dispute_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('order_event_id')
        batch_op.drop_column('order_id')

    with op.batch_alter_table('protection_extensions', schema=None) as batch_op:
        batch_op.drop_index('uq_protection_extensions_waiting', sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))
        batch_op.drop_index(batch_op.f('ix_protection_extensions_order_id'))

    op.drop_table('protection_extensions')
    with op.batch_alter_table('order_events', schema=None) as batch_op:
        batch_op.drop_index('uq_order_events_order_sequence')
        batch_op.drop_index(batch_op.f('ix_order_events_order_id'))

    op.drop_table('order_events')
