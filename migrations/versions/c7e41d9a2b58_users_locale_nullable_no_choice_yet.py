"""users.locale: NULL means the person has not chosen a language yet

Everyone had "en" by default, so a choice could not be told from the default; the
browser's Accept-Language now decides until the person (or their marketplace) chooses.

Revision ID: c7e41d9a2b58
Revises: 7c3e91d4b2a6
Create Date: 2026-12-04 20:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'c7e41d9a2b58'
down_revision = '7c3e91d4b2a6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column(
            'locale', existing_type=sa.String(length=16), nullable=True, server_default=None
        )
    op.execute("UPDATE users SET locale = NULL WHERE locale = 'en'")


def downgrade():
    op.execute("UPDATE users SET locale = 'en' WHERE locale IS NULL")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column(
            'locale', existing_type=sa.String(length=16), nullable=False, server_default='en'
        )
