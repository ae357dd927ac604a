"""What the dispute page shows to whom: a base every part shares, and what each part adds."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from flask_login import current_user

from dispute_engine import (
    REASONS,
    Action,
    Actor,
    MediationStatus,
    State,
    describe_figures,
    figures,
    mediation_status,
    progress,
    reasons_for,
    smallest_amount,
)
from dispute_engine.reasons import guidance_for, seller_guidance_for
from dispute_engine.refunds import refund_arrival
from dispute_engine.returns import return_postage
from dispute_engine.review import review_estimate
from webapp.accounts.models import mediators
from webapp.core.formatting import money
from webapp.core.policies import policy_named
from webapp.disputes.assignment import allowed_for
from webapp.disputes.facts import dispute_facts
from webapp.disputes.lifecycle import APPEAL_REASONS
from webapp.disputes.models import Dispute
from webapp.evidence.views import evidence_context, shown_items
from webapp.mediation.decided_evidence import decision_record
from webapp.mediation.facts import answered_requests, current_decision, open_requests
from webapp.mediation.records import party_records
from webapp.orders.listing import snapshot_of
from webapp.pages import windows
from webapp.pages.windows import Window
from webapp.settlement.facts import active_refund, active_reshipment, active_return

# The parts of the page that refresh themselves; an action re-renders them all (not the thread's
# messages, which have their own cursor). The forms to write and to add evidence come and go with
# the dispute's state; what is typed or uploading in them is kept (hx-preserve).
PARTS = (
    "summary",
    "progress",
    "outcome",
    "settlement",
    "mediation",
    "proposals",
    "dispute-actions",
    "evidence",
    "history",
    "thread-composer",
    "evidence-upload",
)


def thread_visible(dispute: Dispute, actor: Actor) -> bool:
    """Parties read their thread; the mediator only where the policy lets it (N7)."""
    return actor is not Actor.MEDIATOR or policy_named(dispute.policy).mediator_reads_thread


def evidence_guidance(dispute: Dispute, actor: Actor) -> str:
    """What wins this dispute's reason for the party looking (O9); nothing for the mediator."""
    if actor is Actor.BUYER:
        return guidance_for(dispute.reason)
    return seller_guidance_for(dispute.reason) if actor is Actor.SELLER else ""


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
        "review": review_estimate(facts),
        "mediation_status": mediation_status(facts) if dispute.state is State.ESCALATED else None,
        "MediationStatus": MediationStatus,
        "thread_visible": thread_visible(dispute, actor),
        "reason_label": REASONS[dispute.reason].label,
        "evidence_guidance": evidence_guidance(dispute, actor),
        "reasons": reasons_for(dispute.received),
        "appeal_reasons": APPEAL_REASONS,
        "money": lambda amount: money(amount, dispute.currency),
        "amounts_said": describe_figures(figures(facts), dispute.currency),
        "policy": policy_named(dispute.policy),
        "minimum": smallest_amount(dispute.currency),
    }


LATEST = Window()


def _proposals(dispute: Dispute, actor: Actor, now: datetime, window: Window) -> dict[str, Any]:
    return {
        "live_proposals": dispute.live_proposals(),
        "past_proposals": [p for p in dispute.proposals if not p.is_live],
    }


def _thread(dispute: Dispute, actor: Actor, now: datetime, window: Window) -> dict[str, Any]:
    if not thread_visible(dispute, actor):
        return {"messages": [], "messages_from": 0, "earlier_messages": None}
    shown = windows.messages(dispute.id, start=window.messages_from)
    return {"messages": shown.rows[::-1], "messages_from": shown.start, "earlier_messages": shown.earlier}


def _evidence(dispute: Dispute, actor: Actor, now: datetime, window: Window) -> dict[str, Any]:
    return evidence_context(shown_items(dispute, actor), dispute, actor)


def _history(dispute: Dispute, actor: Actor, now: datetime, window: Window) -> dict[str, Any]:
    shown = windows.events(dispute.id, start=window.events_from)
    return {"events": shown.rows, "events_from": shown.start, "earlier_events": shown.earlier}


def _mediation(dispute: Dispute, actor: Actor, now: datetime, window: Window) -> dict[str, Any]:
    return {
        "requests": open_requests(dispute),
        "answered_requests": answered_requests(dispute),
        "decision": current_decision(dispute),
    }


def _decision_evidence(dispute: Dispute, actor: Actor, now: datetime, window: Window) -> dict[str, Any]:
    return decision_record(dispute, actor, shown_items(dispute, actor))


def _settlement(dispute: Dispute, actor: Actor, now: datetime, window: Window) -> dict[str, Any]:
    refund = active_refund(dispute)
    paid_at = refund.refunded_at if refund else None
    return {
        "refund": refund,
        "return_": active_return(dispute),
        "postage": return_postage(dispute.reason),
        "reshipment": active_reshipment(dispute),
        "arrival": refund_arrival(policy_named(dispute.policy), paid_at),
    }


def _listing(dispute: Dispute, actor: Actor, now: datetime, window: Window) -> dict[str, Any]:
    return {"listing": snapshot_of(dispute.order_id)}


def _case_file(dispute: Dispute, actor: Actor, now: datetime, window: Window) -> dict[str, Any]:
    return {"records": party_records(dispute, now) if actor is Actor.MEDIATOR else None}


Extra = Callable[[Dispute, Actor, datetime, Window], dict[str, Any]]
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
    "summary": (),
    "progress": (),
    "outcome": ("decision-evidence",),
    "dispute-actions": (),
    "proposals": ("proposals",),
    "settlement": ("settlement",),
    "mediation": ("mediation", "evidence"),
    "evidence": ("evidence",),
    "history": ("history",),
    "thread": ("thread", "evidence"),
    "thread-composer": (),
    "evidence-upload": ("evidence",),  # how many items the party has (the form's limit)
    "case-file": ("case-file",),
    "listing": ("listing",),  # what was promised: shown whole, never refreshed (it never changes)
}


def parts_context(
    dispute: Dispute, actor: Actor, now: datetime, parts: Iterable[str], window: Window = LATEST
) -> dict[str, Any]:
    """The base context plus what the given parts show, each extra built once; the thread and the
    history start where `window` says (an open page's), else show their latest."""
    context = base_context(dispute, actor, now)
    for extra in dict.fromkeys(need for part in parts for need in NEEDS[part]):
        context.update(EXTRAS[extra](dispute, actor, now, window))
    return context


def page_context(dispute: Dispute, actor: Actor, now: datetime, window: Window = LATEST) -> dict[str, Any]:
    """Everything the dispute page renders for `actor` at `now`, and where its thread and history start."""
    context = parts_context(dispute, actor, now, NEEDS, window)
    context["page_window"] = Window.header(context["messages_from"], context["events_from"])
    return context


def earlier_context(
    dispute: Dispute, actor: Actor, now: datetime, *, messages_before: int = 0, events_before: int = 0
) -> dict[str, Any]:
    """A page of the thread's messages, or of the history's events, before a cursor (keyset)."""
    context = base_context(dispute, actor, now)
    if messages_before:
        shown = windows.messages(dispute.id, before=messages_before)
        context.update(_evidence(dispute, actor, now, LATEST))  # which messages are pinned
        context.update(messages=shown.rows[::-1], earlier_messages=shown.earlier)
    if events_before:
        shown = windows.events(dispute.id, before=events_before)
        context.update(events=shown.rows, earlier_events=shown.earlier)
    return context
