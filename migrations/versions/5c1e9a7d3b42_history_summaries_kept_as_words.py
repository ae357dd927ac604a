"""history summaries kept as words: a msgid and values beside the English, to say them in any language

Revision ID: 5c1e9a7d3b42
Revises: b7e3c91d4a26
Create Date: 2026-12-04 20:35:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '5c1e9a7d3b42'
down_revision = 'b7e3c91d4a26'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('dispute_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('summary_words', sa.JSON(), nullable=True))
    with op.batch_alter_table('order_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('summary_words', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('order_events', schema=None) as batch_op:
        batch_op.drop_column('summary_words')
    with op.batch_alter_table('dispute_events', schema=None) as batch_op:
        batch_op.drop_column('summary_words')
