"""A buyer's or seller's home: disputes waiting on them first, then the rest, then their orders (H3, E4)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, or_, select

from dispute_engine import OPEN_STATES, Actor, Figure, Progress, Stage, figures, progress
from webapp.accounts.models import User
from webapp.core.extensions import db
from webapp.dashboard.listing import list_disputes, settle_due
from webapp.disputes.models import Dispute
from webapp.orders.models import Order

ORDERS_SHOWN = 10
OPEN = "opened"  # the filter value for every dispute still running (no dispute is ever *at* "Opened")
CLOSED = "closed"
STAGE_CHOICES: tuple[tuple[str, str], ...] = (
    (OPEN, "Open (not yet decided)"),
    *((s.value, s.label) for s in Stage if s is not Stage.OPENED),
    (CLOSED, "Closed"),
)
SEARCH_MAX = 32  # an order number is at most 32 characters


@dataclass(frozen=True)
class HomeFilters:
    """What the home page's filter form asks for: a stage and part of an order number."""

    stage: str = ""
    q: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> HomeFilters:
        """Read the query string; unknown stages mean every stage."""
        stage = args.get("stage", "")
        known = {value for value, _ in STAGE_CHOICES}
        return cls(stage=stage if stage in known else "", q=args.get("q", "").strip()[:SEARCH_MAX])

    @property
    def active(self) -> bool:
        """True when the list is narrowed down."""
        return bool(self.stage or self.q)


@dataclass(frozen=True)
class HomeRow:
    """One of my disputes as the home page lists it."""

    dispute: Dispute
    actor: Actor
    progress: Progress
    stage: str
    figures: tuple[Figure, ...]  # the request, then what was proposed, agreed or decided; last stands

    @property
    def needs_me(self) -> bool:
        """True when the rules wait on me now (H3: who must act)."""
        return self.actor in self.progress.must_act

    @property
    def order(self) -> Order:
        """The disputed order."""
        return self.dispute.order


@dataclass(frozen=True)
class PartyHome:
    """Everything the home page shows: disputes needing me, the other disputes, my undisputed orders."""

    needs_me: list[HomeRow]
    others: list[HomeRow]
    orders: list[Order]
    more_orders: bool

    @property
    def empty(self) -> bool:
        """True when there is nothing at all to list."""
        return not (self.needs_me or self.others or self.orders)


def stage_of(bar: Progress) -> str:
    """The filter value a dispute falls under: its current stage, or "closed" once nothing is left."""
    return bar.current.value if bar.current else CLOSED


def _matches(row: HomeRow, stage: str) -> bool:
    if not stage:
        return True
    if stage == OPEN:
        return row.dispute.state in OPEN_STATES
    return row.stage == stage


def _soonest(row: HomeRow) -> tuple[bool, bool, float]:
    """Running before finished, then the nearest deadline, then the latest change."""
    at = row.progress.deadline_at
    key = at.timestamp() if at else -row.dispute.updated_at.timestamp()
    return (row.progress.current is None, at is None, key)


def party_home(user: User, filters: HomeFilters, now: datetime) -> PartyHome:
    """My disputes (never anyone else's, E4), those waiting on me first, soonest deadline first."""
    mine = or_(Order.buyer_id == user.id, Order.seller_id == user.id)
    my_orders = select(Order.id).where(mine)
    settle_due(now, Dispute.order_id.in_(my_orders))
    if filters.q:
        my_orders = my_orders.where(Order.number.icontains(filters.q, autoescape=True))
    rows = []
    for listed in list_disputes(Dispute.order_id.in_(my_orders)):
        bar = progress(listed.facts, now)
        actor = Actor.BUYER if listed.dispute.order.buyer_id == user.id else Actor.SELLER
        rows.append(HomeRow(listed.dispute, actor, bar, stage_of(bar), figures(listed.facts)))
    rows = sorted((r for r in rows if _matches(r, filters.stage)), key=_soonest)
    orders: list[Order] = []
    if not filters.stage:
        orders = list(
            db.session.scalars(
                select(Order)
                .where(Order.id.in_(my_orders), ~exists().where(Dispute.order_id == Order.id))
                .order_by(Order.paid_at.desc(), Order.id.desc())
                .limit(ORDERS_SHOWN + 1)
            )
        )
    return PartyHome(
        needs_me=[r for r in rows if r.needs_me],
        others=[r for r in rows if not r.needs_me],
        orders=orders[:ORDERS_SHOWN],
        more_orders=len(orders) > ORDERS_SHOWN,
    )
