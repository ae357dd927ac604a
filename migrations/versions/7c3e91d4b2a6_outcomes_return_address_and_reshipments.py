"""outcomes: a seller's local return address (F5)

Revision ID: 7c3e91d4b2a6
Revises: a0f9c7f5c122
Create Date: 2026-12-04 20:25:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '7c3e91d4b2a6'
down_revision = 'a0f9c7f5c122'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('returns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('return_address', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('returns', schema=None) as batch_op:
        batch_op.drop_column('return_address')
