"""deadline reminders: one row per dispute, deadline kind, due time, person and lead time; notifications may carry a note instead of an event

Revision ID: a3d6e7f8b9c0
Revises: b7e2c4a9d1f0
Create Date: 2026-12-10 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
import webapp.core.db

# revision identifiers, used by Alembic.
revision = 'a3d6e7f8b9c0'
down_revision = 'b7e2c4a9d1f0'
branch_labels = None
depends_on = None

PENDING = sa.text('sent_at IS NULL AND dropped_at IS NULL')


def upgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note', sa.Text(), nullable=True))
        batch_op.alter_column('event_id', existing_type=sa.Integer(), nullable=True)

    op.create_table('deadline_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dispute_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('due_at', webapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('lead_minutes', sa.Integer(), nullable=False),
    sa.Column('send_at', webapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', webapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', webapp.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('dropped_at', webapp.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('notification_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['dispute_id'], ['disputes.id'], name=op.f('fk_deadline_reminders_dispute_id_disputes')),
    sa.ForeignKeyConstraint(['notification_id'], ['notifications.id'], name=op.f('fk_deadline_reminders_notification_id_notifications')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_deadline_reminders_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline_reminders'))
    )
    with op.batch_alter_table('deadline_reminders', schema=None) as batch_op:
        batch_op.create_index('uq_deadline_reminders_once', ['dispute_id', 'kind', 'due_at', 'user_id', 'lead_minutes'], unique=True)
        batch_op.create_index('ix_deadline_reminders_pending', ['send_at'], unique=False, sqlite_where=PENDING, postgresql_where=PENDING)


def downgrade():
    with op.batch_alter_table('deadline_reminders', schema=None) as batch_op:
        batch_op.drop_index('ix_deadline_reminders_pending', sqlite_where=PENDING, postgresql_where=PENDING)
        batch_op.drop_index('uq_deadline_reminders_once')
    op.drop_table('deadline_reminders')
    op.execute('DELETE FROM notifications WHERE event_id IS NULL')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.alter_column('event_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('note')
