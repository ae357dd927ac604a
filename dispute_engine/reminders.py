"""Deadlines that act against a person, and when to remind that person of each (24 h and 2 h before)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .calendar import add_days
from .facts import DisputeFacts
from .vocabulary import Actor, DeadlineKind, RefundStatus, ReshipStatus, ReturnStatus, State
from .words import N_, Words

REFUND_PAYMENT = "refund_payment"  # F1: not a clock that acts, but a date the seller is held to


@dataclass(frozen=True)
class PersonDeadline:
    """A moment by which one party must do something, or lose (or be complained about)."""

    kind: str  # a DeadlineKind value, or REFUND_PAYMENT
    at: datetime
    party: Actor
    task: str  # what must be done, as the reminder says it ("respond to the buyer's request")
    rule: str


@dataclass(frozen=True)
class ReminderSlot:
    """When one reminder of a deadline may go out: from `send_at`, and no longer from `expires_at`."""

    lead: timedelta
    send_at: datetime
    expires_at: datetime  # the next, closer reminder's time (or the deadline): a late one is not sent


_TASKS = {
    DeadlineKind.SELLER_RESPONSE: Words(N_("accept or reject the buyer's request")),
    DeadlineKind.BUYER_EVIDENCE: Words(N_("send the evidence the mediator asked for")),
    DeadlineKind.SELLER_EVIDENCE: Words(N_("send the evidence the mediator asked for")),
    DeadlineKind.DECISION_ANSWERS: Words(N_("accept one of the mediator's solutions or reject them")),
    DeadlineKind.RETURN_SHIPMENT: Words(N_("ship the item back and enter the return tracking number")),
    DeadlineKind.RETURN_CONFIRMATION: Words(N_("confirm whether the returned item arrived")),
    DeadlineKind.RESHIP_SHIPMENT: Words(N_("ship the replacement and enter its tracking number")),
}


def person_deadlines(facts: DisputeFacts) -> tuple[PersonDeadline, ...]:
    """Every deadline now running against a buyer or a seller (S1, M2, M4, F2, F6, F1); never N1."""
    found: list[PersonDeadline] = []

    def add(kind: DeadlineKind, at: datetime, party: Actor, rule: str) -> None:
        found.append(PersonDeadline(kind.value, at, party, _TASKS[kind], rule))

    if facts.state is State.AWAITING_SELLER:
        due = add_days(facts.opened_at, facts.policy.seller_response_days)
        add(DeadlineKind.SELLER_RESPONSE, due, Actor.SELLER, "S1")
    if facts.state is State.ESCALATED:
        kinds = {Actor.BUYER: DeadlineKind.BUYER_EVIDENCE, Actor.SELLER: DeadlineKind.SELLER_EVIDENCE}
        for request in facts.open_requests:
            add(kinds[request.party], request.due_at, request.party, "M2")
        decision = facts.decision
        if decision is not None:
            for party in decision.unanswered:
                add(DeadlineKind.DECISION_ANSWERS, decision.answers_due_at, party, "M4")
    if facts.return_due_at is not None:
        if facts.return_status is ReturnStatus.AWAITING_SHIPMENT:
            add(DeadlineKind.RETURN_SHIPMENT, facts.return_due_at, Actor.BUYER, "F2")
        elif facts.return_status is ReturnStatus.SHIPPED:
            add(DeadlineKind.RETURN_CONFIRMATION, facts.return_due_at, Actor.SELLER, "F2")
    shipping = facts.state is State.CLOSED and facts.reship_status is ReshipStatus.AWAITING_SHIPMENT
    if shipping and facts.reship_due_at is not None:
        add(DeadlineKind.RESHIP_SHIPMENT, facts.reship_due_at, Actor.SELLER, "F6")
    if facts.refund_status is RefundStatus.PENDING and facts.refund_due_at is not None:
        found.append(
            PersonDeadline(
                REFUND_PAYMENT, facts.refund_due_at, Actor.SELLER, Words(N_("pay the refund")), "F1"
            )
        )
    return tuple(found)


def reminder_slots(at: datetime, lead_hours: tuple[int, ...]) -> tuple[ReminderSlot, ...]:
    """The reminders of a deadline at `at`, longest lead first; each stops when the next one starts.

    So a clock that was down for the 24-hour reminder sends only the 2-hour one, never both at once.
    """
    leads = sorted({timedelta(hours=h) for h in lead_hours if h > 0}, reverse=True)
    slots = []
    for index, lead in enumerate(leads):
        closer = leads[index + 1] if index + 1 < len(leads) else timedelta(0)
        slots.append(ReminderSlot(lead, at - lead, at - closer))
    return tuple(slots)
