"""What the dispute page shows to whom: one context builder for every part of the page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_login import current_user
from sqlalchemy import func, select

from dispute_engine import (
    REASONS,
    Action,
    Actor,
    MediationStatus,
    State,
    format_money,
    mediation_status,
    progress,
    reasons_for,
    smallest_amount,
)
from webapp.accounts.models import mediators
from webapp.core.extensions import db
from webapp.core.policies import policy_named
from webapp.disputes.assignment import allowed_for
from webapp.disputes.facts import dispute_facts
from webapp.disputes.lifecycle import APPEAL_REASONS
from webapp.disputes.models import Dispute, Message
from webapp.evidence.access import locker_stamp
from webapp.evidence.locker import pinned_message_ids
from webapp.evidence.models import EvidenceItem
from webapp.history.models import Event
from webapp.mediation.facts import current_decision, open_requests
from webapp.mediation.records import party_records
from webapp.settlement.facts import active_refund, active_return

# The parts of the page that refresh themselves; an action re-renders them all (not the thread,
# which has its own cursor, so a message being typed is never wiped).
PARTS = (
    "progress",
    "outcome",
    "settlement",
    "mediation",
    "proposals",
    "dispute-actions",
    "evidence",
    "history",
)


def thread_visible(dispute: Dispute, actor: Actor) -> bool:
    """Parties read their thread; the mediator only where the policy lets it (N7)."""
    return actor is not Actor.MEDIATOR or policy_named(dispute.policy).mediator_reads_thread


def newest_message_id(dispute_id: int) -> int:
    """The id of the thread's latest message, 0 when there is none (the polling cursor)."""
    return db.session.scalar(select(func.max(Message.id)).where(Message.dispute_id == dispute_id)) or 0


def page_context(dispute: Dispute, actor: Actor, now: datetime) -> dict[str, Any]:
    """Everything the dispute page renders for `actor` at `now`."""
    facts = dispute_facts(dispute)
    allowed = allowed_for(current_user, dispute, actor, facts, now)  # a mediator acts on cases they hold
    messages = (
        list(db.session.scalars(select(Message).where(Message.dispute_id == dispute.id).order_by(Message.id)))
        if thread_visible(dispute, actor)
        else []
    )
    evidence = [
        item
        for item in db.session.scalars(
            select(EvidenceItem).where(EvidenceItem.dispute_id == dispute.id).order_by(EvidenceItem.id)
        )
        if actor is Actor.MEDIATOR or not item.is_removed
    ]
    events = list(
        db.session.scalars(
            select(Event).where(Event.dispute_id == dispute.id).order_by(Event.at.desc(), Event.id.desc())
        )
    )
    return {
        "A": Action,
        "dispute": dispute,
        "order": dispute.order,
        "actor": actor,
        "facts": facts,
        "now": now,
        "allowed": allowed,
        "mediators": mediators() if Action.REASSIGN_CASE in allowed else [],
        "progress": progress(facts, now),
        "mediation_status": mediation_status(facts) if dispute.state is State.ESCALATED else None,
        "MediationStatus": MediationStatus,
        "live_proposals": dispute.live_proposals(),
        "past_proposals": [p for p in dispute.proposals if not p.is_live],
        "messages": messages,
        "thread_visible": thread_visible(dispute, actor),
        "evidence": evidence,
        "locker_stamp": locker_stamp(dispute, evidence),
        "pinned": pinned_message_ids(evidence, actor),
        "events": events,
        "requests": open_requests(dispute),
        "decision": current_decision(dispute),
        "refund": active_refund(dispute),
        "return_": active_return(dispute),
        "reason_label": REASONS[dispute.reason].label,
        "reasons": reasons_for(dispute.received),
        "appeal_reasons": APPEAL_REASONS,
        "money": lambda amount: format_money(amount, dispute.currency),
        "policy": policy_named(dispute.policy),
        "minimum": smallest_amount(dispute.currency),
        "records": party_records(dispute, now) if actor is Actor.MEDIATOR else None,
    }
