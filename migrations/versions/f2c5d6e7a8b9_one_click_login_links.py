"""one-click login links: a hash of the token, where it lands, until when, used when

Revision ID: f2c5d6e7a8b9
Revises: e1b4c5d6f7a8
Create Date: 2026-12-04 15:40:00.000000

"""
from alembic import op
import sqlalchemy as sa
import webapp.core.db

# revision identifiers, used by Alembic.
revision = 'f2c5d6e7a8b9'
down_revision = 'e1b4c5d6f7a8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('next_path', sa.String(length=200), nullable=False),
    sa.Column('created_at', webapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', webapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', webapp.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_login_links_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_login_links_token_hash'))
    )
    with op.batch_alter_table('login_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_links_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('login_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_links_user_id'))
    op.drop_table('login_links')
