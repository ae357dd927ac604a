"""Write a history event (H1) into its dispute's hash chain and notify everyone else involved (H2)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from dispute_engine import Actor
from dispute_engine.words import Words, to_json
from webapp.core.extensions import db
from webapp.history.chain import GENESIS, seal
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
    """Append an event to the dispute's history and notify `people` other than whoever acted.

    The caller holds the dispute's row lock (the pipeline takes it first), so the chain is linear.
    """
    last = db.session.execute(
        select(Event.sequence, Event.hash)
        .where(Event.dispute_id == dispute_id)
        .order_by(Event.sequence.desc())
        .limit(1)
    ).first()
    sequence, prev_hash = (last.sequence + 1, last.hash) if last else (1, GENESIS)
    fields: dict[str, Any] = {
        "dispute_id": dispute_id,
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
    event = Event(**{**fields, "actor_role": actor}, summary_words=kept, hash=seal(**fields))
    db.session.add(event)
    db.session.flush()
    acting = user.id if user else None
    for user_id in dict.fromkeys(people):
        if user_id != acting:
            db.session.add(
                Notification(user_id=user_id, dispute_id=dispute_id, event_id=event.id, created_at=at)
            )
    return event
