"""The mediator's queue of escalated disputes, ordered by when the mediator must act (M1, M7, M8)."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from dispute_engine import State, format_money, mediation_status, mediator_due_at
from webapp import clock
from webapp.accounts.access import role_required
from webapp.accounts.models import Role
from webapp.disputes.facts import dispute_facts
from webapp.disputes.models import Dispute
from webapp.disputes.pipeline import settle_due_deadlines
from webapp.extensions import db

bp = Blueprint("mediation", __name__)


@bp.get("/mediation")
@role_required(Role.MEDIATOR)
def queue() -> str:
    """Escalated disputes, soonest due first, with their M1 status."""
    now = clock.now()
    due = db.session.scalars(
        select(Dispute).where(Dispute.next_deadline_at <= now).with_for_update(skip_locked=True, of=Dispute)
    ).all()
    for dispute in due:
        settle_due_deadlines(dispute, now)
    rows = []
    for dispute in db.session.scalars(select(Dispute).where(Dispute.state == State.ESCALATED)):
        facts = dispute_facts(dispute)
        rows.append(
            {
                "dispute": dispute,
                "status": mediation_status(facts),
                "due_at": mediator_due_at(facts),
                "tier": dispute.order.buyer.membership_tier,
            }
        )
    rows.sort(key=lambda r: r["due_at"] or now)
    return render_template("mediation/queue.html", rows=rows, now=now, money=format_money)
