"""Build the engine's snapshot of a dispute from the database rows."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from dispute_engine import (
    Actor,
    DecisionFacts,
    DisputeFacts,
    EvidenceRequestFacts,
    RefundStatus,
    ReturnStatus,
    opening_window,
)
from webapp.core.extensions import db
from webapp.core.policies import policy_named
from webapp.disputes.models import Dispute
from webapp.mediation.models import Decision, DecisionStatus, EvidenceRequest, RequestStatus
from webapp.settlement.models import Refund, ReturnShipment


def open_requests(dispute: Dispute) -> list[EvidenceRequest]:
    """The mediator's evidence requests still waiting for an answer."""
    return list(
        db.session.scalars(
            select(EvidenceRequest)
            .where(EvidenceRequest.dispute_id == dispute.id, EvidenceRequest.status == RequestStatus.OPEN)
            .order_by(EvidenceRequest.due_at)
        )
    )


def current_decision(dispute: Dispute) -> Decision | None:
    """The decision the parties are answering now, if any."""
    return db.session.scalar(
        select(Decision)
        .where(Decision.dispute_id == dispute.id, Decision.status == DecisionStatus.PROPOSED)
        .order_by(Decision.id.desc())
    )


def active_refund(dispute: Dispute) -> Refund | None:
    """The dispute's latest refund that an appeal has not replaced."""
    return db.session.scalar(
        select(Refund)
        .where(Refund.dispute_id == dispute.id, Refund.status != RefundStatus.SUPERSEDED)
        .order_by(Refund.id.desc())
    )


def active_return(dispute: Dispute) -> ReturnShipment | None:
    """The dispute's latest return."""
    return db.session.scalar(
        select(ReturnShipment)
        .where(ReturnShipment.dispute_id == dispute.id)
        .order_by(ReturnShipment.id.desc())
    )


RUNNING_RETURN = (ReturnStatus.AWAITING_SHIPMENT, ReturnStatus.SHIPPED)


def dispute_facts(dispute: Dispute) -> DisputeFacts:
    """Everything the rules need to know of this dispute now."""
    return facts_from_rows(
        dispute,
        open_requests(dispute),
        current_decision(dispute),
        active_refund(dispute),
        active_return(dispute),
    )


def _decision_facts(decision: Decision | None) -> DecisionFacts | None:
    if decision is None:
        return None
    buyer, seller = (decision.answer_of(p) for p in (Actor.BUYER, Actor.SELLER))
    return DecisionFacts(
        options=tuple(o.terms for o in decision.options),
        answers_due_at=decision.answers_due_at,
        buyer_choice=buyer.choice if buyer else None,
        seller_choice=seller.choice if seller else None,
    )


def facts_from_rows(
    dispute: Dispute,
    requests: Sequence[EvidenceRequest],
    decision: Decision | None,
    refund: Refund | None,
    return_: ReturnShipment | None,
) -> DisputeFacts:
    """The snapshot from rows already loaded: its open requests, current decision, refund and return."""
    order = dispute.order
    policy = policy_named(dispute.policy)
    return DisputeFacts(
        policy=policy,
        state=dispute.state,
        received=dispute.received,
        currency=dispute.currency,
        order_total=order.total,
        opened_at=dispute.opened_at,
        request=dispute.request,
        open_until=opening_window(order.facts(), policy)[1],
        seller_responded_at=dispute.seller_responded_at,
        escalated_at=dispute.escalated_at,
        mediator_acted_at=dispute.mediator_acted_at,
        closed_at=dispute.closed_at,
        appealed=dispute.appealed_at is not None,
        open_requests=tuple(EvidenceRequestFacts(r.party, r.due_at) for r in requests),
        decision=_decision_facts(decision),
        refund_status=refund.status if refund else None,
        refund_due_at=refund.due_at if refund else None,
        return_status=return_.status if return_ else None,
        return_due_at=return_.due_at if return_ and return_.status in RUNNING_RETURN else None,
        buyer_tier=str(order.buyer.membership_tier),
    )
