"""Each order's status on the orders page, following its dispute (open, refund processing, refunded)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import select

from dispute_engine import RefundStatus, ReshipStatus, Resolution, ReturnStatus
from dispute_engine.refunds import order_status
from webapp.core.extensions import db
from webapp.disputes.models import Dispute
from webapp.orders.models import Order
from webapp.settlement.models import Refund, Reshipment, ReturnShipment


def order_statuses(orders: Sequence[Order], disputes: Mapping[int, Dispute]) -> dict[int, str]:
    """Order id -> status, reading the disputes' latest refunds and returns in two queries (and their
    re-shipments in a third, only when a dispute closed on one)."""
    ids = [d.id for d in disputes.values()]
    refunds: dict[int, RefundStatus] = {}
    returns: dict[int, ReturnStatus] = {}
    if ids:
        for refund in db.session.scalars(
            select(Refund)
            .where(Refund.dispute_id.in_(ids), Refund.status != RefundStatus.SUPERSEDED)
            .order_by(Refund.id)
        ):
            refunds[refund.dispute_id] = refund.status  # the latest wins
        for shipment in db.session.scalars(
            select(ReturnShipment).where(ReturnShipment.dispute_id.in_(ids)).order_by(ReturnShipment.id)
        ):
            returns[shipment.dispute_id] = shipment.status
    reships: dict[int, ReshipStatus] = {}
    parcel_ids = [d.id for d in disputes.values() if d.outcome_resolution is Resolution.RESHIP]
    if parcel_ids:
        for reship in db.session.scalars(
            select(Reshipment).where(Reshipment.dispute_id.in_(parcel_ids)).order_by(Reshipment.id)
        ):
            reships[reship.dispute_id] = reship.status
    statuses = {}
    for order in orders:
        dispute = disputes.get(order.id)
        statuses[order.id] = order_status(
            order.receipt_confirmed_at is not None,
            dispute.state if dispute else None,
            refunds.get(dispute.id) if dispute else None,
            returns.get(dispute.id) if dispute else None,
            reships.get(dispute.id) if dispute else None,
        )
    return statuses
