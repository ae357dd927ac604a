"""What mediation adds to a dispute's snapshot: its open evidence requests and current decision."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from dispute_engine import Actor, DecisionFacts, EvidenceRequestFacts
from webapp.core.extensions import db
from webapp.disputes.facts import contributes_facts
from webapp.mediation.models import Decision, DecisionStatus, EvidenceRequest, RequestStatus

if TYPE_CHECKING:
    from webapp.disputes.models import Dispute


def open_requests(dispute: Dispute) -> list[EvidenceRequest]:
    """The mediator's evidence requests still waiting for an answer."""
    return list(
        db.session.scalars(
            select(EvidenceRequest)
            .where(EvidenceRequest.dispute_id == dispute.id, EvidenceRequest.status == RequestStatus.OPEN)
            .order_by(EvidenceRequest.due_at)
        )
    )


def answered_requests(dispute: Dispute) -> list[EvidenceRequest]:
    """The mediator's evidence requests a party answered, each with its comment, oldest first (M2)."""
    return list(
        db.session.scalars(
            select(EvidenceRequest)
            .where(EvidenceRequest.dispute_id == dispute.id, EvidenceRequest.status == RequestStatus.ANSWERED)
            .order_by(EvidenceRequest.responded_at, EvidenceRequest.id)
        )
    )


def current_decision(dispute: Dispute) -> Decision | None:
    """The decision the parties are answering now, if any."""
    return db.session.scalar(
        select(Decision)
        .where(Decision.dispute_id == dispute.id, Decision.status == DecisionStatus.PROPOSED)
        .order_by(Decision.id.desc())
    )


def mediation_facts(requests: Sequence[EvidenceRequest], decision: Decision | None) -> dict[str, Any]:
    """The snapshot's mediation fields from rows already loaded."""
    decision_facts = None
    if decision is not None:
        buyer, seller = (decision.answer_of(p) for p in (Actor.BUYER, Actor.SELLER))
        decision_facts = DecisionFacts(
            solutions=tuple(o.terms for o in decision.solutions),
            answers_due_at=decision.answers_due_at,
            buyer_answer=buyer.solution if buyer else None,
            seller_answer=seller.solution if seller else None,
        )
    return {
        "open_requests": tuple(EvidenceRequestFacts(r.party, r.due_at) for r in requests),
        "decision": decision_facts,
    }


@contributes_facts
def _contribute(dispute: Dispute) -> dict[str, Any]:
    return mediation_facts(open_requests(dispute), current_decision(dispute))
