"""Refunds, returns and re-shipments: started when a dispute closes, moved by the parties or the clock
(F1-F3, F6, F7)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select

from dispute_engine import (
    FormInvalid,
    RefundStatus,
    ReshipStatus,
    Resolution,
    ReturnStatus,
    RuleViolation,
    Terms,
    add_days,
)
from dispute_engine.returns import validate_return_address
from dispute_engine.words import N_, Amount, Moment, Words
from webapp.core.extensions import db
from webapp.core.policies import policy_named
from webapp.disputes.events import RefundDue, publish
from webapp.disputes.steps import ActionContext, Done
from webapp.settlement.models import Refund, Reshipment, ReturnShipment

if TYPE_CHECKING:
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
    for reship in db.session.scalars(
        select(Reshipment).where(
            Reshipment.dispute_id == dispute.id,
            Reshipment.status.in_([ReshipStatus.AWAITING_SHIPMENT, ReshipStatus.SHIPPED]),
        )
    ):
        reship.status = ReshipStatus.WITHDRAWN
        reship.settled_at = at


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
    db.session.flush()
    publish(RefundDue(dispute, refund.id, refund.amount, refund.currency, refund.due_at, at))
    return refund


def start(dispute: Dispute, terms: Terms, *, at: datetime) -> None:
    """Begin what the closing terms promise: a refund now, or a return first (F1, F2)."""
    _supersede_open(dispute, at)
    if terms.resolution is Resolution.RESHIP:
        start_reshipment(dispute, terms.amount, at=at)
        return
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
        raise RuleViolation("F2", N_("There is no return in that stage."))
    return shipment


def ship_return(ctx: ActionContext, tracking_number: str) -> Done:
    """The buyer sent the item back with this tracking number (F2)."""
    tracking = _tracking(tracking_number, N_("Enter the return parcel's tracking number."))
    shipment = _open_return(ctx.dispute, ReturnStatus.AWAITING_SHIPMENT)
    shipment.status = ReturnStatus.SHIPPED
    shipment.tracking_number = tracking
    shipment.shipped_at = ctx.now
    shipment.due_at = add_days(ctx.now, policy_named(ctx.dispute.policy).return_confirm_days)
    return Done(
        "return_shipped",
        Words(N_("The buyer shipped the item back (tracking %(tracking)s)."), tracking=tracking),
        data={"tracking_number": tracking},
    )


def set_return_address(ctx: ActionContext, text: str) -> Done:
    """The seller gives (or changes) a local return address before the buyer ships (F5)."""
    address = validate_return_address(text)
    shipment = _open_return(ctx.dispute, ReturnStatus.AWAITING_SHIPMENT)
    changed = shipment.return_address is not None
    shipment.return_address = address
    said = (
        N_("The seller changed the local return address: %(address)s.")
        if changed
        else N_("The seller gave a local return address: %(address)s.")
    )
    return Done(
        "return_address_set",
        Words(said, address=address.replace("\n", ", ")),
        data={"return_address": address},
    )


def receive_return(dispute: Dispute, *, at: datetime) -> str:
    """The item is back with the seller (confirmed, or assumed after the deadline): the refund is due (F2)."""
    shipment = _open_return(dispute, ReturnStatus.SHIPPED)
    shipment.status = ReturnStatus.RECEIVED
    shipment.settled_at = at
    refund = create_refund(dispute, shipment.amount, at=at)
    if refund is None:
        return Words(N_("Refund due: nothing more."))
    return Words(N_("Refund due: %(amount)s."), amount=Amount(refund.amount, dispute.currency))


def confirm_return(ctx: ActionContext) -> Done:
    """The seller confirms the item arrived (F2)."""
    owed = receive_return(ctx.dispute, at=ctx.now)
    return Done("return_received", Words(N_("The seller confirmed the item arrived. %(owed)s"), owed=owed))


def lapse_return(dispute: Dispute, *, at: datetime) -> None:
    """The buyer did not ship in time: the return lapses and no refund is due (F2)."""
    shipment = _open_return(dispute, ReturnStatus.AWAITING_SHIPMENT)
    shipment.status = ReturnStatus.LAPSED
    shipment.settled_at = at


def mark_refunded(ctx: ActionContext, payment_reference: str | None = None) -> Done:
    """The refund was paid (F1), with the marketplace's payment reference when it says so."""
    refund = db.session.scalar(
        select(Refund).where(Refund.dispute_id == ctx.dispute.id, Refund.status == RefundStatus.PENDING)
    )
    if refund is None:
        raise RuleViolation("F1", N_("There is no pending refund on this dispute."))
    refund.status = RefundStatus.REFUNDED
    refund.refunded_at = ctx.now
    refund.payment_reference = payment_reference
    amount = Amount(refund.amount, refund.currency)
    said = (
        Words(
            N_("Refund of %(amount)s marked as paid (payment %(reference)s)."),
            amount=amount,
            reference=payment_reference,
        )
        if payment_reference
        else Words(N_("Refund of %(amount)s marked as paid."), amount=amount)
    )
    return Done("refunded", said, result=refund)


def start_reshipment(dispute: Dispute, amount: Decimal, *, at: datetime) -> Reshipment:
    """The seller owes a new parcel within the policy's days, or `amount` back (F6)."""
    reship = Reshipment(
        dispute_id=dispute.id,
        amount=amount,
        status=ReshipStatus.AWAITING_SHIPMENT,
        created_at=at,
        due_at=add_days(at, policy_named(dispute.policy).reship_ship_days),
    )
    db.session.add(reship)
    db.session.flush()
    return reship


def _open_reshipment(dispute: Dispute, status: ReshipStatus, rule: str) -> Reshipment:
    reship = db.session.scalar(
        select(Reshipment).where(Reshipment.dispute_id == dispute.id, Reshipment.status == status)
    )
    if reship is None:
        raise RuleViolation(rule, N_("There is no re-shipment in that stage."))
    return reship


def _tracking(text: str, when_empty: str) -> str:
    """A parcel's tracking number, or the field's error: `when_empty` (a msgid) or too long."""
    tracking = (text or "").strip()
    if not tracking:
        raise FormInvalid({"tracking_number": Words(when_empty)})
    if len(tracking) > TRACKING_MAX:
        raise FormInvalid(
            {
                "tracking_number": Words(
                    N_("That tracking number is too long: at most %(limit)s characters."), limit=TRACKING_MAX
                )
            }
        )
    return tracking


def ship_replacement(ctx: ActionContext, tracking_number: str) -> Done:
    """The seller sent the new parcel with this tracking number; its delivery window starts (F6, C5)."""
    tracking = _tracking(tracking_number, N_("Enter the new parcel's tracking number."))
    reship = _open_reshipment(ctx.dispute, ReshipStatus.AWAITING_SHIPMENT, "F6")
    reship.status = ReshipStatus.SHIPPED
    reship.tracking_number = tracking
    reship.shipped_at = ctx.now
    reship.due_at = add_days(ctx.now, policy_named(ctx.dispute.policy).reship_delivery_days)
    return Done(
        "replacement_shipped",
        Words(
            N_(
                "The seller shipped the replacement (tracking %(tracking)s); it should arrive by %(day)s UTC."
            ),
            tracking=tracking,
            day=Moment(reship.due_at, with_time=False),
        ),
        data={"tracking_number": tracking, "arrives_by": reship.due_at.isoformat()},
    )


def confirm_replacement(ctx: ActionContext) -> Done:
    """The buyer confirms the new parcel arrived: the re-shipment is done (F7)."""
    reship = _open_reshipment(ctx.dispute, ReshipStatus.SHIPPED, "F7")
    reship.status = ReshipStatus.RECEIVED
    reship.settled_at = ctx.now
    return Done("replacement_received", Words(N_("The buyer confirmed the replacement arrived.")))


def reshipment_not_shipped(dispute: Dispute, *, at: datetime) -> str:
    """The seller missed its ship-by date: the agreed amount is refunded instead (F6)."""
    reship = _open_reshipment(dispute, ReshipStatus.AWAITING_SHIPMENT, "F6")
    reship.status = ReshipStatus.NOT_SHIPPED
    reship.settled_at = at
    refund = create_refund(dispute, reship.amount, at=at)
    if refund is None:
        return Words(N_("Refund due: nothing more."))
    return Words(N_("Refund due: %(amount)s."), amount=Amount(refund.amount, dispute.currency))


def reshipment_reopened(dispute: Dispute, *, at: datetime) -> None:
    """The buyer reopened after the delivery window: the new parcel counts as never arrived (C5)."""
    reship = db.session.scalar(
        select(Reshipment).where(
            Reshipment.dispute_id == dispute.id, Reshipment.status == ReshipStatus.SHIPPED
        )
    )
    if reship is not None:
        reship.status = ReshipStatus.REOPENED
        reship.settled_at = at
