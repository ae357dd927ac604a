"""Write an order's history event (O13) into the order's own hash chain and notify the other party."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from dispute_engine import Actor
from dispute_engine.words import Words, to_json
from webapp.core.extensions import db
from webapp.history.chain import GENESIS, seal_order_event
from webapp.history.models import Notification, OrderEvent

if TYPE_CHECKING:
    from webapp.accounts.models import User


def record_order_event(
    order_id: int,
    people: Iterable[int],
    *,
    actor: Actor,
    user: User | None,
    action: str,
    summary: str,
    at: datetime,
    rule: str | None = None,
    data: dict[str, Any] | None = None,
) -> OrderEvent:
    """Append an event to the order's history and notify `people` other than whoever acted.

    The caller holds the order's row lock, so the chain is linear (the unique sequence backs it up).
    """
    last = db.session.execute(
        select(OrderEvent.sequence, OrderEvent.hash)
        .where(OrderEvent.order_id == order_id)
        .order_by(OrderEvent.sequence.desc())
        .limit(1)
    ).first()
    sequence, prev_hash = (last.sequence + 1, last.hash) if last else (1, GENESIS)
    fields: dict[str, Any] = {
        "order_id": order_id,
        "sequence": sequence,
        "at": at,
        "actor_role": actor.value,
        "actor_id": user.id if user else None,
        "action": action,
        "summary": summary,
        "rule": rule,
        "data": data or {},
        "prev_hash": prev_hash,
    }
    kept = to_json(summary) if isinstance(summary, Words) else None
    event = OrderEvent(**{**fields, "actor_role": actor}, summary_words=kept, hash=seal_order_event(**fields))
    db.session.add(event)
    db.session.flush()
    acting = user.id if user else None
    for user_id in dict.fromkeys(people):
        if user_id != acting:
            db.session.add(
                Notification(user_id=user_id, order_id=order_id, order_event_id=event.id, created_at=at)
            )
    return event


def order_history(order_id: int) -> list[OrderEvent]:
    """The order's events, oldest first."""
    return list(
        db.session.scalars(
            select(OrderEvent).where(OrderEvent.order_id == order_id).order_by(OrderEvent.sequence)
        )
    )
