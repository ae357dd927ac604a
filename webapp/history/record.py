"""Write a history event (H1) and notify everyone involved but the actor (H2)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from dispute_engine import Actor
from webapp.core.extensions import db
from webapp.history.models import Event, Notification

if TYPE_CHECKING:
    from webapp.accounts.models import User
    from webapp.disputes.models import Dispute


def record(
    dispute: Dispute,
    *,
    actor: Actor,
    user: User | None,
    action: str,
    summary: str,
    at: datetime,
    rule: str | None = None,
    data: dict[str, Any] | None = None,
) -> Event:
    """Append an event to the dispute's history and notify the other people involved."""
    event = Event(
        dispute_id=dispute.id,
        at=at,
        actor_role=actor,
        actor_id=user.id if user else None,
        action=action,
        summary=summary,
        rule=rule,
        data=data or {},
    )
    db.session.add(event)
    db.session.flush()
    for user_id in recipients(dispute, acting_user_id=user.id if user else None):
        db.session.add(Notification(user_id=user_id, dispute_id=dispute.id, event_id=event.id, created_at=at))
    return event


def recipients(dispute: Dispute, *, acting_user_id: int | None) -> list[int]:
    """The buyer, the seller and the mediator once involved, minus whoever acted."""
    people = [dispute.order.buyer_id, dispute.order.seller_id]
    if dispute.mediator_id is not None:
        people.append(dispute.mediator_id)
    return [p for p in people if p != acting_user_id]
