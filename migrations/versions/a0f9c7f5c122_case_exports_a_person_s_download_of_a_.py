"""case exports: a person's download of a case and its job's progress

Revision ID: a0f9c7f5c122
Revises: 482d6ef51c06
Create Date: 2026-12-04 16:48:05.403802

"""
from alembic import op
import sqlalchemy as sa
import webapp.core.db

# revision identifiers, used by Alembic.
revision = 'a0f9c7f5c122'
down_revision = '482d6ef51c06'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('case_exports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=32), nullable=False),
    sa.Column('dispute_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('buyer', 'seller', 'mediator', 'system', name='actor', native_enum=False, length=24), nullable=False),
    sa.Column('status', sa.Enum('queued', 'running', 'ready', 'failed', name='exportstatus', native_enum=False, length=24), nullable=False),
    sa.Column('files_done', sa.Integer(), nullable=False),
    sa.Column('files_total', sa.Integer(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('heartbeat_at', webapp.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('storage_key', sa.String(length=200), nullable=False),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('failure_reason', sa.Text(), nullable=False),
    sa.Column('created_at', webapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', webapp.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['dispute_id'], ['disputes.id'], name=op.f('fk_case_exports_dispute_id_disputes')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_case_exports_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_exports')),
    sa.UniqueConstraint('uuid', name=op.f('uq_case_exports_uuid'))
    )
    with op.batch_alter_table('case_exports', schema=None) as batch_op:
        batch_op.create_index('ix_case_exports_dispute_user', ['dispute_id', 'user_id'], unique=False)
        batch_op.create_index('ix_case_exports_status', ['status'], unique=False)



def downgrade():
    with op.batch_alter_table('case_exports', schema=None) as batch_op:
        batch_op.drop_index('ix_case_exports_status')
        batch_op.drop_index('ix_case_exports_dispute_user')

    op.drop_table('case_exports')
