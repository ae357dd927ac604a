"""Evidence's answer to `webapp.disputes.evidence_inventory`: every item of a dispute as it is now."""

from __future__ import annotations

from sqlalchemy import select

from webapp.core.extensions import db
from webapp.disputes.evidence_inventory import EvidenceSeen, provides_inventory
from webapp.evidence.models import EvidenceItem


@provides_inventory
def dispute_evidence(dispute_id: int) -> list[EvidenceSeen]:
    """The dispute's items with their SHA-256, removed ones marked (E2, E3)."""
    items = db.session.scalars(
        select(EvidenceItem).where(EvidenceItem.dispute_id == dispute_id).order_by(EvidenceItem.id)
    )
    return [
        EvidenceSeen(
            item_id=item.id,
            party=item.party,
            kind=item.kind.value,
            name=item.display_name,
            sha256=item.sha256,
            removed=item.is_removed,
            added_at=item.created_at,
        )
        for item in items
    ]
