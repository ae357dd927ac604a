"""dispute activity counter for the page's one poll

Revision ID: a3c1d2e4f5b6
Revises: 71981b2815ef
Create Date: 2026-12-04 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'a3c1d2e4f5b6'
down_revision = '71981b2815ef'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('disputes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('activity', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('disputes', schema=None) as batch_op:
        batch_op.drop_column('activity')
