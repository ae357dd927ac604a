"""How a dispute moves on without a choice of its own: closing, escalating, and clocks acting."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from dispute_engine import (
    Actor,
    Deadline,
    DisputeFacts,
    EffectKind,
    Outcome,
    State,
    Terms,
    effect_of,
    format_money,
)
from webapp.disputes.facts import current_decision, open_requests
from webapp.disputes.models import Dispute, ProposalStatus
from webapp.disputes.pipeline import changed
from webapp.history.record import record
from webapp.mediation.models import DecisionStatus, RequestStatus
from webapp.settlement import services as settlement

if TYPE_CHECKING:
    from webapp.accounts.models import User


def describe_terms(terms: Terms, currency: str) -> str:
    """`Refund only, 45.00 USD`."""
    return f"{terms.resolution.label}, {format_money(terms.amount, currency)}"


def _retire_open_business(dispute: Dispute, *, at: datetime, missed: RequestStatus) -> None:
    for proposal in dispute.live_proposals():
        proposal.status = ProposalStatus.WITHDRAWN
        proposal.answered_at = at
    for request in open_requests(dispute):
        request.status = missed


def close(
    dispute: Dispute,
    outcome: Outcome,
    terms: Terms,
    *,
    at: datetime,
    actor: Actor,
    user: User | None,
    summary: str,
    rule: str,
    comment: str = "",
) -> None:
    """Close (or, for a buyer's cancellation, cancel) the dispute on `terms`; start the refund or return."""
    missed = RequestStatus.MISSED if actor is Actor.SYSTEM else RequestStatus.CLOSED
    _retire_open_business(dispute, at=at, missed=missed)
    dispute.state = State.CANCELLED if outcome is Outcome.CANCELLED else State.CLOSED
    dispute.closed_at = at
    dispute.outcome = outcome
    dispute.outcome_resolution = terms.resolution
    dispute.outcome_amount = terms.amount
    dispute.outcome_comment = comment
    if actor is Actor.SELLER and dispute.seller_responded_at is None:
        dispute.seller_responded_at = at
    settlement.start(dispute, terms, at=at)
    record(
        dispute,
        actor=actor,
        user=user,
        action="closed" if dispute.state is State.CLOSED else "cancelled",
        summary=f"{summary} Outcome: {outcome.label}. Terms: {describe_terms(terms, dispute.currency)}.",
        at=at,
        rule=rule,
        data={
            "outcome": outcome.value,
            "resolution": terms.resolution.value,
            "amount": str(terms.amount),
            "comment": comment,
        },
    )
    changed(dispute, at)


def escalate(
    dispute: Dispute, *, at: datetime, actor: Actor, user: User | None, summary: str, rule: str
) -> None:
    """Hand the dispute to the platform (N1); the parties' proposals leave the table."""
    _retire_open_business(dispute, at=at, missed=RequestStatus.CLOSED)
    dispute.state = State.ESCALATED
    dispute.escalated_at = at
    dispute.mediator_acted_at = None
    record(dispute, actor=actor, user=user, action="escalated", summary=summary, at=at, rule=rule)
    changed(dispute, at)


def apply_deadline(dispute: Dispute, facts: DisputeFacts, deadline: Deadline) -> None:
    """Do what the engine says a passed deadline does, dated at the deadline itself."""
    effect = effect_of(facts, deadline)
    at = deadline.at
    match effect.kind:
        case EffectKind.CLOSE:
            assert effect.outcome is not None and effect.terms is not None
            decision = current_decision(dispute)
            if decision is not None:
                decision.status = DecisionStatus.FINAL
                decision.decided_at = at
                buyer = decision.answer_of(Actor.BUYER)
                if effect.terms != facts.request and buyer is not None and buyer.choice:
                    decision.chosen_option = buyer.choice
            close(
                dispute,
                effect.outcome,
                effect.terms,
                at=at,
                actor=Actor.SYSTEM,
                user=None,
                summary=effect.summary,
                rule=effect.rule,
            )
        case EffectKind.ESCALATE:
            escalate(dispute, at=at, actor=Actor.SYSTEM, user=None, summary=effect.summary, rule=effect.rule)
        case EffectKind.RETURN_LAPSED:
            settlement.lapse_return(dispute, at=at, summary=effect.summary)
            changed(dispute, at)
        case EffectKind.RETURN_ASSUMED_RECEIVED:
            settlement.receive_return(dispute, at=at, actor=Actor.SYSTEM, user=None, summary=effect.summary)
            changed(dispute, at)
