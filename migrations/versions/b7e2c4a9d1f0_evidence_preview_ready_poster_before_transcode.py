"""evidence preview_ready: a video's poster and thumbnail are shown before its transcode ends

Revision ID: b7e2c4a9d1f0
Revises: f2c5d6e7a8b9
Create Date: 2026-12-05 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'b7e2c4a9d1f0'
down_revision = 'f2c5d6e7a8b9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('evidence_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('preview_ready', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('evidence_items', schema=None) as batch_op:
        batch_op.drop_column('preview_ready')
