"""What the mediator sees beside the evidence about the two parties (M7)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from dispute_engine import Outcome, buyer_is_suspicious
from webapp.core.extensions import db
from webapp.core.policies import policy_named
from webapp.disputes.models import Dispute
from webapp.orders.models import Order

BUYER_WON = (Outcome.SELLER_ACCEPTED, Outcome.SELLER_DID_NOT_RESPOND, Outcome.SELLER_MISSED_DEADLINE)


@dataclass(frozen=True)
class PartyRecords:
    """The buyer's recent dispute count (a warning sign when high) and the seller's dispute record."""

    buyer_recent: int
    buyer_window_days: int
    buyer_warning: bool
    seller_disputes: int
    seller_lost: int


def party_records(dispute: Dispute, now: datetime) -> PartyRecords:
    """Count the buyer's disputes in the policy's window and the seller's disputes and losses (M7)."""
    policy = policy_named(dispute.policy)
    since = now - timedelta(days=policy.buyer_warning_window_days)
    buyer_recent = db.session.scalar(
        select(func.count(Dispute.id))
        .join(Order, Order.id == Dispute.order_id)
        .where(Order.buyer_id == dispute.order.buyer_id, Dispute.opened_at >= since)
    )
    seller_rows = db.session.execute(
        select(Dispute.outcome, func.count(Dispute.id))
        .join(Order, Order.id == Dispute.order_id)
        .where(Order.seller_id == dispute.order.seller_id)
        .group_by(Dispute.outcome)
    ).all()
    seller_total = sum(count for _, count in seller_rows)
    seller_lost = sum(count for outcome, count in seller_rows if outcome in BUYER_WON)
    return PartyRecords(
        buyer_recent=buyer_recent or 0,
        buyer_window_days=policy.buyer_warning_window_days,
        buyer_warning=buyer_is_suspicious(buyer_recent or 0, policy),
        seller_disputes=seller_total,
        seller_lost=seller_lost,
    )
