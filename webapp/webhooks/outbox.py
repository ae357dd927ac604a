"""The outbox: dispute events become webhook messages in the same transaction as the change.

The events of one step (a closing, an escalation, a refund falling due) are collected and written
when the step's DisputeChanged arrives, which `finish` publishes last: so each step's messages come
in one readable order (what happened, then the dispute as it now stands).
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from dispute_engine import Outcome, progress
from webapp.core.extensions import db
from webapp.disputes.events import (
    DisputeChanged,
    DisputeClosed,
    DisputeEscalated,
    RefundDue,
    RefundOverdue,
    subscribe,
)
from webapp.disputes.facts import dispute_facts
from webapp.disputes.models import Dispute
from webapp.jobs.queue import enqueue_after_commit
from webapp.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookMessage

DELIVER_JOB = "webhooks.deliver"
_STEP = "webhook_step_events"  # Session.info: {dispute id: [(type, extra)]} until DisputeChanged
# A mediation ended: by the mediator's choice, the parties' agreement, or a missed deadline (M3, M5).
MEDIATION_ENDS = (
    Outcome.FINAL_DECISION,
    Outcome.MEDIATION_AGREED,
    Outcome.BUYER_MISSED_DEADLINE,
    Outcome.SELLER_MISSED_DEADLINE,
)
ORDER = (
    "dispute.opened",
    "dispute.escalated",
    "decision.proposed",
    "decision.final",
    "dispute.closed",
    "return.shipped",
    "replacement.shipped",
    "refund.due",
    "dispute.updated",
)


@event.listens_for(Session, "after_rollback")
def _forget_step(session: Session) -> None:
    session.info.pop(_STEP, None)


def _remember(dispute: Dispute, event_type: str, extra: dict[str, Any]) -> None:
    db.session().info.setdefault(_STEP, {}).setdefault(dispute.id, []).append((event_type, extra))


def dispute_data(dispute: Dispute, at: datetime) -> dict[str, Any]:
    """The dispute as every event shows it: state, who must act and by when."""
    bar = progress(dispute_facts(dispute), at)
    return {
        "id": dispute.id,
        "order": dispute.order.external_id,
        "order_number": dispute.order.number,
        "state": dispute.state.value,
        "must_act": [actor.value for actor in bar.must_act],
        "next_deadline_at": dispute.next_deadline_at.isoformat() if dispute.next_deadline_at else None,
        "next_deadline_kind": dispute.next_deadline_kind.value if dispute.next_deadline_kind else None,
        "outcome": dispute.outcome.value if dispute.outcome else None,
        "version": dispute.version,
    }


def write(dispute: Dispute, event_type: str, at: datetime, extra: dict[str, Any]) -> list[int]:
    """One outbox message and a delivery per endpoint that wants it; queued after the commit."""
    marketplace_id = dispute.order.marketplace_id
    endpoints = [
        e
        for e in db.session.scalars(
            select(WebhookEndpoint).where(
                WebhookEndpoint.marketplace_id == marketplace_id, WebhookEndpoint.disabled_at.is_(None)
            )
        )
        if event_type in e.event_set
    ]
    if not endpoints:
        return []
    msg_id = f"msg_{uuid.uuid4().hex}"
    body = {
        "type": event_type,
        "timestamp": at.isoformat(),
        "data": {"dispute": dispute_data(dispute, at), **extra},
    }
    message = WebhookMessage(
        marketplace_id=marketplace_id,
        dispute_id=dispute.id,
        msg_id=msg_id,
        event_type=event_type,
        payload=json.dumps({"id": msg_id, **body}, separators=(",", ":")),
        created_at=at,
    )
    db.session.add(message)
    db.session.flush()
    deliveries = [
        WebhookDelivery(
            message_id=message.id,
            endpoint_id=endpoint.id,
            dispute_id=dispute.id,
            status=DeliveryStatus.PENDING,
            next_attempt_at=at,
            created_at=at,
        )
        for endpoint in endpoints
    ]
    db.session.add_all(deliveries)
    db.session.flush()
    ids = [d.id for d in deliveries]
    enqueue_after_commit(DELIVER_JOB, ids)
    return ids


@subscribe(DisputeClosed)
def _closed(event: DisputeClosed) -> None:
    terms = event.closing.terms
    closing = {
        "outcome": event.closing.outcome.value,
        "resolution": terms.resolution.value,
        "amount": str(terms.amount),
    }
    if event.closing.outcome in MEDIATION_ENDS:
        _remember(event.dispute, "decision.final", {"decision": closing})
    _remember(event.dispute, "dispute.closed", {"closing": closing})


@subscribe(DisputeEscalated)
def _escalated(event: DisputeEscalated) -> None:
    _remember(event.dispute, "dispute.escalated", {})


@subscribe(RefundDue)
def _refund_due(event: RefundDue) -> None:
    refund = {
        "id": event.refund_id,
        "amount": str(event.amount),
        "currency": event.currency,
        "due_at": event.due_at.isoformat(),
    }
    _remember(event.dispute, "refund.due", {"refund": refund})


@subscribe(RefundOverdue)
def _refund_overdue(event: RefundOverdue) -> None:
    # The clock finds it outside any step of the dispute: written at once.
    write(event.dispute, "refund.overdue", event.at, {"refund": {"id": event.refund_id}})


@subscribe(DisputeChanged)
def _changed(event: DisputeChanged) -> None:
    """Write the step's messages: what happened, then the dispute as it now stands."""
    found = db.session().info.get(_STEP, {}).pop(event.dispute.id, [])
    if event.action == "opened":
        found.append(("dispute.opened", {}))
    else:
        found.append(("dispute.updated", {"action": event.action}))
    if event.action == "decision_proposed":
        found.append(("decision.proposed", {}))
    if event.action == "return_shipped":
        found.append(("return.shipped", {}))
    if event.action == "replacement_shipped":
        found.append(("replacement.shipped", {}))
    for event_type, extra in sorted(found, key=lambda item: ORDER.index(item[0])):
        write(event.dispute, event_type, event.at, extra)
