"""The evidence a decision was taken on: kept on the decision at that moment, never rebuilt later."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import select

from dispute_engine import Actor
from webapp.core.extensions import db
from webapp.disputes.evidence_inventory import evidence_inventory
from webapp.mediation.models import Decision, DecisionEvidence, DecisionStatus

if TYPE_CHECKING:
    from webapp.disputes.models import Dispute

DECIDED = (DecisionStatus.FINAL, DecisionStatus.AGREED)


class Shown(Protocol):
    """An evidence item as the locker shows it (mediation knows only its id)."""

    id: int


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


def decision_record(dispute: Dispute, actor: Actor, shown: Sequence[Shown]) -> dict[str, Any]:
    """The latest decision, the evidence kept when it was taken, and which of the items `actor` is
    shown now came afterwards (M5, C3); removed items were, and are, only the mediator's (E2)."""
    decided = last_decision(dispute)
    if decided is None:
        return {"decided": None}
    kept = decided.evidence_seen
    known = {e.item_id for e in kept}
    return {
        "decided": decided,
        "evidence_seen": [e for e in kept if actor is Actor.MEDIATOR or not e.removed],
        "evidence_after": [item for item in shown if item.id not in known],
    }
