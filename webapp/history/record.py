"""Write a history event (H1) and notify everyone involved but the actor (H2)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from dispute_engine import Actor
from webapp.core.extensions import db
from webapp.history.models import Event, Notification

if TYPE_CHECKING:
    from webapp.accounts.models import User


def record(
    dispute_id: int,
    people: Iterable[int],
    *,
    actor: Actor,
    user: User | None,
    action: str,
    summary: str,
    at: datetime,
    rule: str | None = None,
    data: dict[str, Any] | None = None,
) -> Event:
    """Append an event to the dispute's history and notify `people` other than whoever acted."""
    event = Event(
        dispute_id=dispute_id,
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
    acting = user.id if user else None
    for user_id in dict.fromkeys(people):
        if user_id != acting:
            db.session.add(
                Notification(user_id=user_id, dispute_id=dispute_id, event_id=event.id, created_at=at)
            )
    return event
