"""Refunds past their due date: the clock finds each once and says so (a domain event), F1."""

from __future__ import annotations

from sqlalchemy import select

from dispute_engine import RefundStatus
from webapp.core.clock import clock_now
from webapp.core.duties import every_minute
from webapp.core.extensions import db
from webapp.disputes.events import RefundOverdue, publish
from webapp.disputes.models import Dispute
from webapp.settlement.models import Refund

BATCH = 100


@every_minute(order=37, done="overdue refund(s) found")
def find_overdue_refunds() -> int:
    """Mark pending refunds past due as overdue, once each, and publish RefundOverdue; return how many."""
    now = clock_now(db.session)
    refunds = db.session.scalars(
        select(Refund)
        .where(Refund.status == RefundStatus.PENDING, Refund.due_at < now, Refund.overdue_at.is_(None))
        .order_by(Refund.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    ).all()
    for refund in refunds:
        refund.overdue_at = now
        publish(RefundOverdue(db.session.get_one(Dispute, refund.dispute_id), refund.id, now))
    db.session.commit()
    return len(refunds)
