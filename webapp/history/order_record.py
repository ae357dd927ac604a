"""Write an order's history event (O13) into the order's own hash chain and notify the other party."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Unpack

from sqlalchemy import select

from webapp.core.extensions import db
from webapp.history.append import Happened, append_to_chain
from webapp.history.chain import seal_order_event
from webapp.history.models import OrderEvent


def record_order_event(
    order_id: int,
    people: Iterable[int],
    **happened: Unpack[Happened],
) -> OrderEvent:
    """Append an event to the order's history and notify `people` other than whoever acted.

    The caller holds the order's row lock, so the chain is linear (the unique sequence backs it up).
    """
    return append_to_chain(
        OrderEvent, "order_id", seal_order_event, "order_event_id", order_id, people, **happened
    )


def order_history(order_id: int) -> list[OrderEvent]:
    """The order's events, oldest first."""
    return list(
        db.session.scalars(
            select(OrderEvent).where(OrderEvent.order_id == order_id).order_by(OrderEvent.sequence)
        )
    )
