"""A dispute as the API shows it: the summary a list carries, and everything of one dispute."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from dispute_engine import DisputeFacts, progress
from webapp.api.orders import listing_out
from webapp.core.extensions import db
from webapp.disputes.facts import dispute_facts
from webapp.disputes.models import Dispute, Message
from webapp.evidence.models import EvidenceItem
from webapp.mediation.models import Decision
from webapp.orders.listing import snapshot_of
from webapp.settlement.facts import active_refund, active_return
from webapp.settlement.models import Refund


def summary_out(dispute: Dispute, facts: DisputeFacts, now: datetime) -> dict[str, Any]:
    """What a list shows of a dispute: its state, who must act and by when."""
    bar = progress(facts, now)
    return {
        "id": dispute.id,
        "order": dispute.order.external_id,
        "order_number": dispute.order.number,
        "policy": dispute.policy,
        "state": dispute.state.value,
        "must_act": [actor.value for actor in bar.must_act],
        "next_deadline_at": dispute.next_deadline_at,
        "next_deadline_kind": dispute.next_deadline_kind.value if dispute.next_deadline_kind else None,
        "reason": dispute.reason.value,
        "resolution": dispute.resolution.value,
        "amount": str(dispute.amount),
        "currency": dispute.currency,
        "opened_at": dispute.opened_at,
        "escalated_at": dispute.escalated_at,
        "closed_at": dispute.closed_at,
        "outcome": dispute.outcome.value if dispute.outcome else None,
        "updated_at": dispute.updated_at,
        "version": dispute.version,
    }


def refund_out(refund: Refund | None) -> dict[str, Any] | None:
    """A refund as the API shows it."""
    if refund is None:
        return None
    return {
        "id": refund.id,
        "dispute_id": refund.dispute_id,
        "amount": str(refund.amount),
        "currency": refund.currency,
        "status": refund.status.value,
        "due_at": refund.due_at,
        "refunded_at": refund.refunded_at,
        "payment_reference": refund.payment_reference,
    }


def evidence_out(item: EvidenceItem) -> dict[str, Any]:
    """An evidence item's metadata and hash (never its bytes)."""
    return {
        "uuid": item.uuid,
        "party": item.party.value,
        "kind": item.kind.value,
        "original_name": item.original_name,
        "content_type": item.content_type,
        "size": item.size,
        "sha256": item.sha256,
        "status": item.source.status.value,
        "caption": item.caption,
        "removed": item.is_removed,
        "created_at": item.created_at,
    }


def _decision(dispute: Dispute) -> dict[str, Any] | None:
    decision = db.session.scalar(
        select(Decision).where(Decision.dispute_id == dispute.id).order_by(Decision.id.desc()).limit(1)
    )
    if decision is None:
        return None
    return {
        "status": decision.status.value,
        "comment": decision.comment,
        "created_at": decision.created_at,
        "answers_due_at": decision.answers_due_at,
        "chosen_solution": decision.chosen_solution,
        "solutions": [
            {
                "position": s.position,
                "resolution": s.resolution.value,
                "amount": str(s.amount),
                "comment": s.comment,
            }
            for s in decision.solutions
        ],
    }


def detail_out(dispute: Dispute, now: datetime) -> dict[str, Any]:
    """Everything of one dispute: proposals, thread, evidence, decision, refund, return, listing."""
    messages = db.session.scalars(
        select(Message).where(Message.dispute_id == dispute.id).order_by(Message.id)
    )
    items = db.session.scalars(
        select(EvidenceItem).where(EvidenceItem.dispute_id == dispute.id).order_by(EvidenceItem.id)
    )
    shipment = active_return(dispute)
    return {
        **summary_out(dispute, dispute_facts(dispute), now),
        "description": dispute.description,
        "proposals": [
            {
                "id": p.id,
                "party": p.party.value,
                "resolution": p.resolution.value,
                "amount": str(p.amount),
                "comment": p.comment,
                "status": p.status.value,
                "created_at": p.created_at,
            }
            for p in dispute.proposals
        ],
        "thread": [
            {
                "id": m.id,
                "party": m.party.value,
                "author": m.author.external_id,
                "body": m.body,
                "created_at": m.created_at,
            }
            for m in messages
        ],
        "evidence": [evidence_out(item) for item in items],
        "decision": _decision(dispute),
        "refund": refund_out(active_refund(dispute)),
        "return_": None
        if shipment is None
        else {
            "status": shipment.status.value,
            "amount": str(shipment.amount),
            "due_at": shipment.due_at,
            "tracking_number": shipment.tracking_number,
            "shipped_at": shipment.shipped_at,
        },
        "listing": listing_out(snapshot_of(dispute.order_id)),
    }
