"""marketplaces own users and orders (tenancy); external ids unique per marketplace

Existing users and orders go to a "Demo marketplace" created for them.

Revision ID: b7e1f2a3c4d5
Revises: 88db93df145b
Create Date: 2026-12-04 14:30:00.000000

"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa
import webapp.core.db

# revision identifiers, used by Alembic.
revision = 'b7e1f2a3c4d5'
down_revision = '88db93df145b'
branch_labels = None
depends_on = None

DEMO_NAME = "Demo marketplace"


def upgrade():
    op.create_table('marketplaces',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('policy', sa.String(length=40), nullable=False),
    sa.Column('created_at', webapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_marketplaces')),
    sa.UniqueConstraint('name', name=op.f('uq_marketplaces_name'))
    )
    for table in ('users', 'orders'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('marketplace_id', sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column('external_id', sa.String(length=64 if table == 'users' else 32), nullable=True))
            if table == 'users':
                batch_op.add_column(sa.Column('locale', sa.String(length=16), server_default='en', nullable=False))

    connection = op.get_bind()
    has_rows = any(connection.scalar(sa.text(f'SELECT COUNT(*) FROM {table}')) for table in ('users', 'orders'))
    if has_rows:
        marketplaces = sa.table(
            'marketplaces',
            sa.column('name', sa.String()),
            sa.column('policy', sa.String()),
            sa.column('created_at', webapp.core.db.UTCDateTime(timezone=True)),
        )
        connection.execute(marketplaces.insert().values(name=DEMO_NAME, policy='aliexpress', created_at=datetime.now(UTC)))
        demo_id = connection.scalar(sa.text('SELECT id FROM marketplaces WHERE name = :name'), {'name': DEMO_NAME})
        for table in ('users', 'orders'):
            connection.execute(sa.text(f'UPDATE {table} SET marketplace_id = :id'), {'id': demo_id})

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('marketplace_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint('uq_users_email', type_='unique')
        batch_op.create_unique_constraint('uq_users_marketplace_email', ['marketplace_id', 'email'])
        batch_op.create_unique_constraint('uq_users_marketplace_external_id', ['marketplace_id', 'external_id'])
        batch_op.create_index(batch_op.f('ix_users_marketplace_id'), ['marketplace_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_users_marketplace_id_marketplaces'), 'marketplaces', ['marketplace_id'], ['id'])
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.alter_column('marketplace_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint('uq_orders_number', type_='unique')
        batch_op.create_unique_constraint('uq_orders_marketplace_number', ['marketplace_id', 'number'])
        batch_op.create_unique_constraint('uq_orders_marketplace_external_id', ['marketplace_id', 'external_id'])
        batch_op.create_index(batch_op.f('ix_orders_marketplace_id'), ['marketplace_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_orders_marketplace_id_marketplaces'), 'marketplaces', ['marketplace_id'], ['id'])


def downgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_orders_marketplace_id_marketplaces'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_orders_marketplace_id'))
        batch_op.drop_constraint('uq_orders_marketplace_external_id', type_='unique')
        batch_op.drop_constraint('uq_orders_marketplace_number', type_='unique')
        batch_op.create_unique_constraint('uq_orders_number', ['number'])
        batch_op.drop_column('external_id')
        batch_op.drop_column('marketplace_id')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_marketplace_id_marketplaces'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_users_marketplace_id'))
        batch_op.drop_constraint('uq_users_marketplace_external_id', type_='unique')
        batch_op.drop_constraint('uq_users_marketplace_email', type_='unique')
        batch_op.create_unique_constraint('uq_users_email', ['email'])
        batch_op.drop_column('locale')
        batch_op.drop_column('external_id')
        batch_op.drop_column('marketplace_id')
    op.drop_table('marketplaces')
