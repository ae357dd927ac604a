"""Refunds: the marketplace pays with its own payment system and says so, with its reference (F1)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from dispute_engine import Action, RefundStatus
from webapp.api.blueprint import bp, marketplace, scope
from webapp.api.dispute_schemas import RefundOut, RefundPaidIn
from webapp.api.dispute_views import refund_out
from webapp.api.idempotency import idempotent
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.refusals import Conflict, NotFound
from webapp.disputes.models import Dispute
from webapp.disputes.pipeline import perform
from webapp.orders.models import Order
from webapp.settlement.models import Refund
from webapp.settlement.services import mark_refunded


class RefundNotFound(NotFound):
    """No such refund in this marketplace."""

    explanation = "There is no such refund in this marketplace."


def refund_of(refund_id: int) -> Refund:
    """The marketplace's refund (404 for any other marketplace's)."""
    refund = db.session.scalar(
        select(Refund)
        .join(Dispute, Dispute.id == Refund.dispute_id)
        .join(Order, Order.id == Dispute.order_id)
        .where(Refund.id == refund_id, Order.marketplace_id == marketplace().id)
    )
    if refund is None:
        raise RefundNotFound(refund_id)
    return refund


@bp.get("/refunds/<int(max=9223372036854775807):refund_id>")
@scope("disputes:read")
@bp.output(RefundOut)
@bp.doc(summary="One refund", responses=[401, 403, 404, 429])
def get_refund(refund_id: int) -> dict[str, Any]:
    """The refund: amount, status, when it is due, and the payment reference once paid."""
    return refund_out(refund_of(refund_id)) or {}


@bp.post("/refunds/<int(max=9223372036854775807):refund_id>/paid")
@scope("refunds:write")
@idempotent(lambda: marketplace().id)
@bp.input(RefundPaidIn, arg_name="data")
@bp.output(RefundOut)
@bp.doc(summary="Mark a refund paid", responses=[401, 403, 404, 409, 422, 429])
def mark_paid(refund_id: int, data: dict[str, Any]) -> dict[str, Any]:
    """The marketplace paid the refund; again with the same reference changes nothing (F1)."""
    refund = refund_of(refund_id)
    reference = data["payment_reference"].strip()
    if refund.status is RefundStatus.REFUNDED:
        if refund.payment_reference == reference:
            return refund_out(refund) or {}
        raise Conflict(f"This refund was already paid with the reference {refund.payment_reference!r}.")
    if refund.status is not RefundStatus.PENDING:
        raise Conflict("This refund was replaced after a complaint; pay the dispute's current refund.")
    seller = db.session.get_one(Dispute, refund.dispute_id).order.seller
    paid = perform(
        seller, refund.dispute_id, Action.MARK_REFUNDED, clock.now(), lambda c: mark_refunded(c, reference)
    )
    return refund_out(paid) or {}
