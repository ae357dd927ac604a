"""What the dispute page shows to whom: a base every part shares, and what each part adds."""

from __future__ import annotations

from collections.abc import Callable, Iterable
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
from webapp.evidence.views import evidence_context, shown_items
from webapp.history.models import Event
from webapp.mediation.decided_evidence import decision_record
from webapp.mediation.facts import current_decision, open_requests
from webapp.mediation.records import party_records
from webapp.orders.listing import snapshot_of
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


def base_context(dispute: Dispute, actor: Actor, now: datetime) -> dict[str, Any]:
    """What every part of the page needs: the dispute, its facts, what the actor may do, the words."""
    facts = dispute_facts(dispute)
    allowed = allowed_for(current_user, dispute, actor, facts, now)  # a mediator acts on cases they hold
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
        "thread_visible": thread_visible(dispute, actor),
        "reason_label": REASONS[dispute.reason].label,
        "reasons": reasons_for(dispute.received),
        "appeal_reasons": APPEAL_REASONS,
        "money": lambda amount: format_money(amount, dispute.currency),
        "policy": policy_named(dispute.policy),
        "minimum": smallest_amount(dispute.currency),
    }


def _proposals(dispute: Dispute, actor: Actor, now: datetime) -> dict[str, Any]:
    return {
        "live_proposals": dispute.live_proposals(),
        "past_proposals": [p for p in dispute.proposals if not p.is_live],
    }


def _thread(dispute: Dispute, actor: Actor, now: datetime) -> dict[str, Any]:
    if not thread_visible(dispute, actor):
        return {"messages": []}
    query = select(Message).where(Message.dispute_id == dispute.id).order_by(Message.id)
    return {"messages": list(db.session.scalars(query))}


def _evidence(dispute: Dispute, actor: Actor, now: datetime) -> dict[str, Any]:
    return evidence_context(shown_items(dispute, actor), dispute, actor)


def _history(dispute: Dispute, actor: Actor, now: datetime) -> dict[str, Any]:
    query = select(Event).where(Event.dispute_id == dispute.id).order_by(Event.at.desc(), Event.id.desc())
    return {"events": list(db.session.scalars(query))}


def _mediation(dispute: Dispute, actor: Actor, now: datetime) -> dict[str, Any]:
    return {"requests": open_requests(dispute), "decision": current_decision(dispute)}


def _decision_evidence(dispute: Dispute, actor: Actor, now: datetime) -> dict[str, Any]:
    return decision_record(dispute, actor, shown_items(dispute, actor))


def _settlement(dispute: Dispute, actor: Actor, now: datetime) -> dict[str, Any]:
    return {"refund": active_refund(dispute), "return_": active_return(dispute)}


def _listing(dispute: Dispute, actor: Actor, now: datetime) -> dict[str, Any]:
    return {"listing": snapshot_of(dispute.order_id)}


def _case_file(dispute: Dispute, actor: Actor, now: datetime) -> dict[str, Any]:
    return {"records": party_records(dispute, now) if actor is Actor.MEDIATOR else None}


Extra = Callable[[Dispute, Actor, datetime], dict[str, Any]]
EXTRAS: dict[str, Extra] = {
    "proposals": _proposals,
    "thread": _thread,
    "evidence": _evidence,
    "history": _history,
    "mediation": _mediation,
    "decision-evidence": _decision_evidence,
    "settlement": _settlement,
    "case-file": _case_file,
    "listing": _listing,
}
# What each part shows beyond the base: a part builds only these (the thread and the mediator's
# tools count the evidence; pins are marked in the thread).
NEEDS: dict[str, tuple[str, ...]] = {
    "progress": (),
    "outcome": ("decision-evidence",),
    "dispute-actions": (),
    "proposals": ("proposals",),
    "settlement": ("settlement",),
    "mediation": ("mediation", "evidence"),
    "evidence": ("evidence",),
    "history": ("history",),
    "thread": ("thread", "evidence"),
    "case-file": ("case-file",),
    "listing": ("listing",),  # what was promised: shown whole, never refreshed (it never changes)
}


def parts_context(dispute: Dispute, actor: Actor, now: datetime, parts: Iterable[str]) -> dict[str, Any]:
    """The base context plus what the given parts show, each extra built once."""
    context = base_context(dispute, actor, now)
    for extra in dict.fromkeys(need for part in parts for need in NEEDS[part]):
        context.update(EXTRAS[extra](dispute, actor, now))
    return context


def page_context(dispute: Dispute, actor: Actor, now: datetime) -> dict[str, Any]:
    """Everything the dispute page renders for `actor` at `now`."""
    return parts_context(dispute, actor, now, NEEDS)
