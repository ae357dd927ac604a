"""A dispute's change stamp for open pages: one statement says whether anything they show changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from dispute_engine import Actor
from webapp.core import clock
from webapp.core.extensions import db
from webapp.disputes.models import Dispute
from webapp.orders.models import Order

if TYPE_CHECKING:
    from webapp.accounts.models import User


@dataclass(frozen=True)
class Seen:
    """What an open page shows: the dispute's version (its forms) and activity (thread, evidence)."""

    version: int | None
    activity: int | None


@dataclass(frozen=True)
class Stamp:
    """The dispute as the database has it now, as far as an open page cares."""

    version: int
    activity: int
    next_deadline_at: datetime | None

    def is_current(self, seen: Seen, now: datetime) -> bool:
        """Whether the page is up to date: same version and activity, and no clock due to act."""
        due = self.next_deadline_at is not None and self.next_deadline_at <= now
        return not due and (self.version, self.activity) == (seen.version, seen.activity)


def role_in(user: User, buyer_id: int, seller_id: int, escalated: bool, marketplace_id: int) -> Actor | None:
    """The user's part in a dispute, or None if it is none of their business (E4).

    A mediator sees only the escalated disputes of the marketplace they work for.
    """
    if user.id == buyer_id:
        return Actor.BUYER
    if user.id == seller_id:
        return Actor.SELLER
    if user.is_mediator and escalated and user.marketplace_id == marketplace_id:
        return Actor.MEDIATOR
    return None


def page_stamp(user: User, dispute_id: int) -> Stamp | None:
    """The dispute's stamp in one statement (with the app clock's offset), or None when it is missing
    or not the user's to see."""
    row = db.session.execute(
        select(
            Dispute.version,
            Dispute.activity,
            Dispute.next_deadline_at,
            Dispute.escalated_at,
            Order.buyer_id,
            Order.seller_id,
            Order.marketplace_id,
            clock.offset_column().label("clock_offset"),
        )
        .join(Order, Order.id == Dispute.order_id)
        .where(Dispute.id == dispute_id)
    ).one_or_none()
    clock.use_offset(row.clock_offset if row else None)  # the app clock came along: now() reads nothing
    if row is None:
        return None
    if role_in(user, row.buyer_id, row.seller_id, row.escalated_at is not None, row.marketplace_id) is None:
        return None
    return Stamp(row.version, row.activity, row.next_deadline_at)
