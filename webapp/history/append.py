"""Append one event to a hash chain (a dispute's, H1, or an order's own, O13) and notify the others (H2)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, NotRequired, TypedDict, TypeVar, Unpack

from sqlalchemy import select

from dispute_engine import Actor
from dispute_engine.words import Words, to_json
from webapp.core.extensions import db
from webapp.history.chain import GENESIS, ChainKey
from webapp.history.models import Event, Notification, OrderEvent

if TYPE_CHECKING:
    from webapp.accounts.models import User

AnyEvent = TypeVar("AnyEvent", Event, OrderEvent)


class Happened(TypedDict):
    """What an event says: who acted, what they did, when, under which rule."""

    actor: Actor
    user: User | None
    action: str
    summary: str
    at: datetime
    rule: NotRequired[str | None]
    data: NotRequired[dict[str, Any] | None]


def append_to_chain(
    model: type[AnyEvent],
    key: ChainKey,
    sealing: Callable[..., str],
    notified_as: Literal["event_id", "order_event_id"],
    owner_id: int,
    people: Iterable[int],
    **happened: Unpack[Happened],
) -> AnyEvent:
    """Seal an event after the last of `owner_id`'s chain in `model`, add it, and notify `people` but the
    actor; each Notification names the owner by `key` and the event by `notified_as`.

    The caller holds the owner's row lock, so the chain is linear (the unique sequence backs it up).
    """
    last = db.session.execute(
        select(model.sequence, model.hash)
        .where(getattr(model, key) == owner_id)
        .order_by(model.sequence.desc())
        .limit(1)
    ).first()
    sequence, prev_hash = (last.sequence + 1, last.hash) if last else (1, GENESIS)
    actor, user, summary, at = happened["actor"], happened["user"], happened["summary"], happened["at"]
    fields: dict[str, Any] = {
        key: owner_id,
        "sequence": sequence,
        "at": at,
        "actor_role": actor.value,
        "actor_id": user.id if user else None,
        "action": happened["action"],
        "summary": summary,
        "rule": happened.get("rule"),
        "data": happened.get("data") or {},
        "prev_hash": prev_hash,
    }
    kept = to_json(summary) if isinstance(summary, Words) else None
    event = model(**{**fields, "actor_role": actor}, summary_words=kept, hash=sealing(**fields))
    db.session.add(event)
    db.session.flush()
    acting = user.id if user else None
    for user_id in dict.fromkeys(people):
        if user_id != acting:
            db.session.add(
                Notification(user_id=user_id, **{key: owner_id, notified_as: event.id}, created_at=at)
            )
    return event
