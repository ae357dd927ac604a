"""Clocks that act on their own: the next deadline of a dispute and what happens when it passes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from .calendar import add_days
from .facts import NOTHING, REJECTED, DisputeFacts, Terms
from .vocabulary import Actor, DeadlineKind, Outcome, ReshipStatus, ReturnStatus, State
from .words import N_


@dataclass(frozen=True)
class Deadline:
    """The next moment a dispute's clock acts, who can still act before it, and the rule."""

    kind: DeadlineKind
    at: datetime
    must_act: tuple[Actor, ...]
    rule: str


class EffectKind(StrEnum):
    """What a passed deadline does."""

    CLOSE = "close"
    ESCALATE = "escalate"
    RETURN_LAPSED = "return_lapsed"
    RETURN_ASSUMED_RECEIVED = "return_assumed_received"
    RESHIP_NOT_SHIPPED = "reship_not_shipped"  # F6: the refund is due instead


@dataclass(frozen=True)
class Effect:
    """The consequence of a deadline: for CLOSE, the outcome and the terms it closes on."""

    kind: EffectKind
    rule: str
    summary: str
    outcome: Outcome | None = None
    terms: Terms | None = None


def next_deadline(facts: DisputeFacts) -> Deadline | None:
    """The earliest deadline this dispute is waiting for, or None if no clock runs."""
    policy = facts.policy
    if facts.state is State.AWAITING_SELLER:
        return Deadline(
            DeadlineKind.SELLER_RESPONSE,
            add_days(facts.opened_at, policy.seller_response_days),
            (Actor.SELLER,),
            "S1",
        )
    if facts.state is State.NEGOTIATING:
        return Deadline(
            DeadlineKind.NEGOTIATION_END,
            add_days(facts.opened_at, policy.negotiation_days),
            (Actor.BUYER, Actor.SELLER),
            "N1",
        )
    if facts.state is State.ESCALATED:
        return _escalated_deadline(facts)
    if facts.state is State.CLOSED and facts.return_due_at is not None:
        if facts.return_status is ReturnStatus.AWAITING_SHIPMENT:
            return Deadline(DeadlineKind.RETURN_SHIPMENT, facts.return_due_at, (Actor.BUYER,), "F2")
        if facts.return_status is ReturnStatus.SHIPPED:
            return Deadline(DeadlineKind.RETURN_CONFIRMATION, facts.return_due_at, (Actor.SELLER,), "F2")
    # Only the ship-by date acts; the delivery window (C5) lets the buyer reopen, nothing more.
    awaiting = facts.reship_status is ReshipStatus.AWAITING_SHIPMENT
    if facts.state is State.CLOSED and awaiting and facts.reship_due_at is not None:
        return Deadline(DeadlineKind.RESHIP_SHIPMENT, facts.reship_due_at, (Actor.SELLER,), "F6")
    return None


def _escalated_deadline(facts: DisputeFacts) -> Deadline | None:
    candidates: list[Deadline] = []
    kinds = {Actor.BUYER: DeadlineKind.BUYER_EVIDENCE, Actor.SELLER: DeadlineKind.SELLER_EVIDENCE}
    for request in facts.open_requests:
        candidates.append(Deadline(kinds[request.party], request.due_at, (request.party,), "M2"))
    decision = facts.decision
    if decision is not None and decision.unanswered:
        candidates.append(
            Deadline(DeadlineKind.DECISION_ANSWERS, decision.answers_due_at, decision.unanswered, "M4")
        )
    # Earliest first; at the same moment the buyer's clock is settled first.
    order = [DeadlineKind.BUYER_EVIDENCE, DeadlineKind.SELLER_EVIDENCE, DeadlineKind.DECISION_ANSWERS]
    return min(candidates, key=lambda d: (d.at, order.index(d.kind)), default=None)


def due_deadline(facts: DisputeFacts, now: datetime) -> Deadline | None:
    """The next deadline if it has passed at `now`, else None."""
    deadline = next_deadline(facts)
    return deadline if deadline is not None and deadline.at <= now else None


def effect_of(facts: DisputeFacts, deadline: Deadline) -> Effect:
    """What happens when `deadline` passes on this dispute (S1, N1, M3, M4, F2, F6)."""
    buyer_wins = Effect(
        EffectKind.CLOSE,
        "M3",
        N_("The seller did not take part in time: the dispute closes in the buyer's favour."),
        Outcome.SELLER_MISSED_DEADLINE,
        facts.request,
    )
    seller_wins = Effect(
        EffectKind.CLOSE,
        "M3",
        N_("The buyer missed the mediator's deadline: the dispute closes in the seller's favour."),
        Outcome.BUYER_MISSED_DEADLINE,
        NOTHING,
    )
    match deadline.kind:
        case DeadlineKind.SELLER_RESPONSE:
            return Effect(
                EffectKind.CLOSE,
                "S1",
                N_("The seller did not respond in time: the dispute closes in the buyer's favour."),
                Outcome.SELLER_DID_NOT_RESPOND,
                facts.request,
            )
        case DeadlineKind.NEGOTIATION_END:
            return Effect(
                EffectKind.ESCALATE,
                "N1",
                N_("No agreement in time: the dispute goes to the platform."),
            )
        case DeadlineKind.BUYER_EVIDENCE:
            return seller_wins
        case DeadlineKind.SELLER_EVIDENCE:
            return buyer_wins
        case DeadlineKind.DECISION_ANSWERS:
            return _unanswered_decision(facts, buyer_wins, seller_wins)
        case DeadlineKind.RETURN_SHIPMENT:
            return Effect(
                EffectKind.RETURN_LAPSED,
                "F2",
                N_("The item was not shipped back in time: the return lapses and no refund is due."),
            )
        case DeadlineKind.RETURN_CONFIRMATION:
            return Effect(
                EffectKind.RETURN_ASSUMED_RECEIVED,
                "F2",
                N_(
                    "The seller did not confirm the return in time: "
                    "it counts as received and the refund is due."
                ),
            )
        case DeadlineKind.RESHIP_SHIPMENT:
            return Effect(
                EffectKind.RESHIP_NOT_SHIPPED,
                "F6",
                N_("The seller did not ship the replacement in time: the refund is due instead."),
            )
    raise AssertionError(f"unhandled deadline {deadline.kind}")


def _unanswered_decision(facts: DisputeFacts, buyer_wins: Effect, seller_wins: Effect) -> Effect:
    decision = facts.decision
    assert decision is not None
    if decision.buyer_answer is None:
        return seller_wins
    # Only the seller is silent: it loses. If the buyer accepted a solution, that solution stands.
    if decision.buyer_answer != REJECTED:
        return Effect(
            EffectKind.CLOSE,
            "M3",
            N_("The seller did not answer in time: the solution the buyer accepted stands."),
            Outcome.SELLER_MISSED_DEADLINE,
            decision.terms(decision.buyer_answer),
        )
    return buyer_wins
