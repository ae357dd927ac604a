"""Refunds and returns: started when a dispute closes, moved by the parties or the clock (F1-F3)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select

from dispute_engine import (
    Actor,
    FormInvalid,
    RefundStatus,
    Resolution,
    ReturnStatus,
    RuleViolation,
    Terms,
    add_days,
    format_money,
)
from webapp.core.extensions import db
from webapp.core.policies import policy_named
from webapp.history.record import record
from webapp.settlement.models import Refund, ReturnShipment

if TYPE_CHECKING:
    from webapp.accounts.models import User
    from webapp.disputes.models import Dispute

TRACKING_MAX = 64


def refunded_so_far(dispute: Dispute) -> Decimal:
    """Money already paid back on this dispute."""
    paid = db.session.scalars(
        select(Refund.amount).where(Refund.dispute_id == dispute.id, Refund.status == RefundStatus.REFUNDED)
    )
    return sum(paid, Decimal("0"))


def _supersede_open(dispute: Dispute, at: datetime) -> None:
    # An appeal re-closes a dispute: whatever was still owed is replaced by the new outcome.
    for refund in db.session.scalars(
        select(Refund).where(Refund.dispute_id == dispute.id, Refund.status == RefundStatus.PENDING)
    ):
        refund.status = RefundStatus.SUPERSEDED
    for shipment in db.session.scalars(
        select(ReturnShipment).where(
            ReturnShipment.dispute_id == dispute.id,
            ReturnShipment.status.in_([ReturnStatus.AWAITING_SHIPMENT, ReturnStatus.SHIPPED]),
        )
    ):
        shipment.status = ReturnStatus.LAPSED
        shipment.settled_at = at


def create_refund(dispute: Dispute, amount: Decimal, *, at: datetime) -> Refund | None:
    """Owe the buyer `amount`, capped so refunds never exceed the order total (F1, F3)."""
    owed = min(amount, dispute.order.total) - refunded_so_far(dispute)
    if owed <= 0:
        return None
    policy = policy_named(dispute.policy)
    refund = Refund(
        dispute_id=dispute.id,
        amount=owed,
        currency=dispute.currency,
        status=RefundStatus.PENDING,
        created_at=at,
        due_at=add_days(at, policy.refund_due_days),
    )
    db.session.add(refund)
    return refund


def start(dispute: Dispute, terms: Terms, *, at: datetime) -> None:
    """Begin what the closing terms promise: a refund now, or a return first (F1, F2)."""
    _supersede_open(dispute, at)
    if terms.amount <= 0:
        return
    if terms.resolution is Resolution.REFUND_ONLY:
        create_refund(dispute, terms.amount, at=at)
        return
    policy = policy_named(dispute.policy)
    db.session.add(
        ReturnShipment(
            dispute_id=dispute.id,
            amount=terms.amount,
            status=ReturnStatus.AWAITING_SHIPMENT,
            created_at=at,
            due_at=add_days(at, policy.return_ship_days),
        )
    )
    db.session.flush()


def _open_return(dispute: Dispute, status: ReturnStatus) -> ReturnShipment:
    shipment = db.session.scalar(
        select(ReturnShipment).where(ReturnShipment.dispute_id == dispute.id, ReturnShipment.status == status)
    )
    if shipment is None:
        raise RuleViolation("F2", "There is no return in that stage.")
    return shipment


def ship_return(dispute: Dispute, user: User, tracking_number: str, *, at: datetime) -> None:
    """The buyer sent the item back with this tracking number (F2)."""
    tracking = tracking_number.strip()
    if not tracking or len(tracking) > TRACKING_MAX:
        raise FormInvalid({"tracking_number": "Enter the return parcel's tracking number."})
    shipment = _open_return(dispute, ReturnStatus.AWAITING_SHIPMENT)
    shipment.status = ReturnStatus.SHIPPED
    shipment.tracking_number = tracking
    shipment.shipped_at = at
    shipment.due_at = add_days(at, policy_named(dispute.policy).return_confirm_days)
    record(
        dispute,
        actor=Actor.BUYER,
        user=user,
        action="return_shipped",
        at=at,
        rule="F2",
        summary=f"The buyer shipped the item back (tracking {tracking}).",
        data={"tracking_number": tracking},
    )


def receive_return(dispute: Dispute, *, at: datetime, actor: Actor, user: User | None, summary: str) -> None:
    """The item is back with the seller (confirmed, or assumed after the deadline): the refund is due (F2)."""
    shipment = _open_return(dispute, ReturnStatus.SHIPPED)
    shipment.status = ReturnStatus.RECEIVED
    shipment.settled_at = at
    refund = create_refund(dispute, shipment.amount, at=at)
    owed = format_money(refund.amount, dispute.currency) if refund else "nothing more"
    record(
        dispute,
        actor=actor,
        user=user,
        action="return_received",
        at=at,
        rule="F2",
        summary=f"{summary} Refund due: {owed}.",
    )


def lapse_return(dispute: Dispute, *, at: datetime, summary: str) -> None:
    """The buyer did not ship in time: the return lapses and no refund is due (F2)."""
    shipment = _open_return(dispute, ReturnStatus.AWAITING_SHIPMENT)
    shipment.status = ReturnStatus.LAPSED
    shipment.settled_at = at
    record(dispute, actor=Actor.SYSTEM, user=None, action="return_lapsed", at=at, rule="F2", summary=summary)


def mark_refunded(dispute: Dispute, user: User, actor: Actor, *, at: datetime) -> Refund:
    """The refund was paid (F1)."""
    refund = db.session.scalar(
        select(Refund).where(Refund.dispute_id == dispute.id, Refund.status == RefundStatus.PENDING)
    )
    if refund is None:
        raise RuleViolation("F1", "There is no pending refund on this dispute.")
    refund.status = RefundStatus.REFUNDED
    refund.refunded_at = at
    record(
        dispute,
        actor=actor,
        user=user,
        action="refunded",
        at=at,
        rule="F1",
        summary=f"Refund of {format_money(refund.amount, refund.currency)} marked as paid.",
    )
    return refund
