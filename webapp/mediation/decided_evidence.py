"""The evidence a decision was taken on: kept on the decision at that moment, never rebuilt later."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from webapp.core.extensions import db
from webapp.disputes.evidence_inventory import evidence_inventory
from webapp.mediation.models import Decision, DecisionEvidence, DecisionStatus

if TYPE_CHECKING:
    from webapp.disputes.models import Dispute

DECIDED = (DecisionStatus.FINAL, DecisionStatus.AGREED)


def keep_evidence_seen(decision: Decision) -> list[dict[str, Any]]:
    """Write every evidence item as it is now onto the decision (M3, M5); return what the parties
    may read of it for the closing's history line (removed items stay the mediator's, E2)."""
    seen = evidence_inventory(decision.dispute_id)
    decision.evidence_seen = [
        DecisionEvidence(
            item_id=s.item_id,
            party=s.party,
            kind=s.kind,
            name=s.name[:255],
            sha256=s.sha256,
            removed=s.removed,
            added_at=s.added_at,
        )
        for s in seen
    ]
    return [
        {"id": s.item_id, "name": s.name, "party": s.party.value, "kind": s.kind, "sha256": s.sha256}
        for s in seen
        if not s.removed
    ]


def decided_at(dispute: Dispute, at: datetime) -> Decision | None:
    """The dispute's latest decision, if it was decided (chosen or agreed) at `at`."""
    latest = db.session.scalar(
        select(Decision).where(Decision.dispute_id == dispute.id).order_by(Decision.id.desc()).limit(1)
    )
    if latest is None or latest.status not in DECIDED or latest.decided_at != at:
        return None
    return latest


def last_decision(dispute: Dispute) -> Decision | None:
    """The decision the dispute's outcome came from (the latest one decided), if any."""
    return db.session.scalar(
        select(Decision)
        .where(Decision.dispute_id == dispute.id, Decision.status.in_(DECIDED))
        .order_by(Decision.decided_at.desc(), Decision.id.desc())
        .limit(1)
    )
