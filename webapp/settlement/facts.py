"""What settlement adds to a dispute's snapshot: the running refund, return and re-shipment."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from dispute_engine import RefundStatus, ReshipStatus, Resolution, ReturnStatus
from webapp.core.extensions import db
from webapp.disputes.facts import contributes_facts
from webapp.settlement.models import Refund, Reshipment, ReturnShipment

if TYPE_CHECKING:
    from webapp.disputes.models import Dispute

RUNNING_RETURN = (ReturnStatus.AWAITING_SHIPMENT, ReturnStatus.SHIPPED)
RUNNING_RESHIPMENT = (ReshipStatus.AWAITING_SHIPMENT, ReshipStatus.SHIPPED)


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


def active_reshipment(dispute: Dispute) -> Reshipment | None:
    """The dispute's latest re-shipment."""
    return db.session.scalar(
        select(Reshipment).where(Reshipment.dispute_id == dispute.id).order_by(Reshipment.id.desc())
    )


def settlement_facts(
    refund: Refund | None, return_: ReturnShipment | None, reship: Reshipment | None = None
) -> dict[str, Any]:
    """The snapshot's refund, return and re-shipment fields from rows already loaded."""
    running = return_ is not None and return_.status in RUNNING_RETURN
    shipping = reship is not None and reship.status in RUNNING_RESHIPMENT
    return {
        "refund_status": refund.status if refund else None,
        "refund_due_at": refund.due_at if refund else None,
        "return_status": return_.status if return_ else None,
        "return_due_at": return_.due_at if return_ and running else None,
        "reship_status": reship.status if reship else None,
        "reship_due_at": reship.due_at if reship and shipping else None,
    }


def owes_a_parcel(dispute: Dispute) -> bool:
    """Whether the dispute's outcome is a re-shipment: only then does its re-shipment count (F6)."""
    return dispute.outcome_resolution is Resolution.RESHIP


@contributes_facts
def _contribute(dispute: Dispute) -> dict[str, Any]:
    reship = active_reshipment(dispute) if owes_a_parcel(dispute) else None
    return settlement_facts(active_refund(dispute), active_return(dispute), reship)
