"""decision evidence: the items a decision was taken on, as they were then

Revision ID: 482d6ef51c06
Revises: a3d6e7f8b9c0
Create Date: 2026-12-04 16:35:47.128875

No back-fill: what a past decision was taken on cannot be known now, so older decisions
keep only the hashes of decisions.evidence_hashes.
"""
from alembic import op
import sqlalchemy as sa
import webapp.core.db

# revision identifiers, used by Alembic.
revision = '482d6ef51c06'
down_revision = 'a3d6e7f8b9c0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('decision_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('party', sa.Enum('buyer', 'seller', 'mediator', 'system', name='actor', native_enum=False, length=24), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('removed', sa.Boolean(), nullable=False),
    sa.Column('added_at', webapp.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_decision_evidence_decision_id_decisions')),
    sa.ForeignKeyConstraint(['item_id'], ['evidence_items.id'], name=op.f('fk_decision_evidence_item_id_evidence_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision_evidence')),
    sa.UniqueConstraint('decision_id', 'item_id', name=op.f('uq_decision_evidence_decision_id'))
    )
    with op.batch_alter_table('decision_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_evidence_decision_id'), ['decision_id'], unique=False)



def downgrade():
    with op.batch_alter_table('decision_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_evidence_decision_id'))

    op.drop_table('decision_evidence')
