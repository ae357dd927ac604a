"""users: session generation (sessions end on logout, new password, disabling) and disabled_at

Revision ID: 5e55a0b1c2d3
Revises: a3c1d2e4f5b6
Create Date: 2026-12-05 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
import webapp.core.db

# revision identifiers, used by Alembic.
revision = '5e55a0b1c2d3'
down_revision = 'a3c1d2e4f5b6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('disabled_at', webapp.core.db.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('disabled_at')
        batch_op.drop_column('session_generation')
