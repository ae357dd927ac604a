"""history hash chain (sequence, prev_hash, hash, back-filled), append-only trigger on PostgreSQL, evidence views

Revision ID: 88db93df145b
Revises: 5e55a0b1c2d3
Create Date: 2026-12-04 13:59:29.651810

"""
from alembic import op
import sqlalchemy as sa
import webapp.core.db
from webapp.history.chain import GENESIS, seal
from webapp.history.models import APPEND_ONLY_FUNCTION, APPEND_ONLY_TRIGGERS

# revision identifiers, used by Alembic.
revision = '88db93df145b'
down_revision = '5e55a0b1c2d3'
branch_labels = None
depends_on = None

EVENTS = sa.table(
    'dispute_events',
    sa.column('id', sa.Integer()),
    sa.column('dispute_id', sa.Integer()),
    sa.column('at', webapp.core.db.UTCDateTime(timezone=True)),
    sa.column('actor_role', sa.String()),
    sa.column('actor_id', sa.Integer()),
    sa.column('action', sa.String()),
    sa.column('summary', sa.Text()),
    sa.column('rule', sa.String()),
    sa.column('data', sa.JSON()),
    sa.column('sequence', sa.Integer()),
    sa.column('prev_hash', sa.String()),
    sa.column('hash', sa.String()),
)


def _seal_existing_events():
    """Chain every event written before this migration, per dispute in the order they were written."""
    bind = op.get_bind()
    rows = bind.execute(sa.select(EVENTS).order_by(EVENTS.c.dispute_id, EVENTS.c.id)).all()
    sealed, dispute_id, sequence, previous = [], None, 0, GENESIS
    for row in rows:
        if row.dispute_id != dispute_id:
            dispute_id, sequence, previous = row.dispute_id, 0, GENESIS
        sequence += 1
        digest = seal(
            dispute_id=row.dispute_id,
            sequence=sequence,
            at=row.at,
            actor_role=row.actor_role,
            actor_id=row.actor_id,
            action=row.action,
            summary=row.summary,
            rule=row.rule,
            data=row.data if row.data is not None else {},
            prev_hash=previous,
        )
        sealed.append({'event_id': row.id, 'new_sequence': sequence, 'new_prev': previous, 'new_hash': digest})
        previous = digest
    if sealed:
        bind.execute(
            EVENTS.update()
            .where(EVENTS.c.id == sa.bindparam('event_id'))
            .values(
                sequence=sa.bindparam('new_sequence'),
                prev_hash=sa.bindparam('new_prev'),
                hash=sa.bindparam('new_hash'),
            ),
            sealed,
        )


def upgrade():
    op.create_table('evidence_views',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('buyer', 'seller', 'mediator', 'system', name='actor', native_enum=False, length=24), nullable=False),
    sa.Column('variant', sa.String(length=16), nullable=False),
    sa.Column('at', webapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['evidence_items.id'], name=op.f('fk_evidence_views_item_id_evidence_items')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_evidence_views_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_views'))
    )
    op.create_index('ix_evidence_views_item_user', 'evidence_views', ['item_id', 'user_id', 'variant', 'at'], unique=False)

    # Plain ADD COLUMN with a placeholder default, and a unique index rather than a constraint:
    # SQLite would otherwise rebuild the table, and dropping the old one fails while notifications
    # refer to its rows (foreign keys are enforced).
    op.add_column('dispute_events', sa.Column('sequence', sa.Integer(), nullable=False, server_default='0'))
    op.add_column('dispute_events', sa.Column('prev_hash', sa.String(length=64), nullable=False, server_default=''))
    op.add_column('dispute_events', sa.Column('hash', sa.String(length=64), nullable=False, server_default=''))
    _seal_existing_events()
    if op.get_bind().dialect.name != 'sqlite':
        for column in ('sequence', 'prev_hash', 'hash'):
            op.alter_column('dispute_events', column, server_default=None)
    op.create_index('uq_dispute_events_dispute_sequence', 'dispute_events', ['dispute_id', 'sequence'], unique=True)

    if op.get_bind().dialect.name == 'postgresql':
        op.execute(APPEND_ONLY_FUNCTION)
        for statement in APPEND_ONLY_TRIGGERS:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS dispute_events_no_truncate ON dispute_events')
        op.execute('DROP TRIGGER IF EXISTS dispute_events_append_only ON dispute_events')
        op.execute('DROP FUNCTION IF EXISTS dispute_events_append_only()')
    op.drop_index('uq_dispute_events_dispute_sequence', table_name='dispute_events')
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35+) keeps the table: no rebuild, see upgrade().
    for column in ('hash', 'prev_hash', 'sequence'):
        op.drop_column('dispute_events', column)
    op.drop_index('ix_evidence_views_item_user', table_name='evidence_views')
    op.drop_table('evidence_views')
