"""What an order's protection panel shows each party: the end date, the requests, what they may do now."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from dispute_engine import (
    OPEN_STATES,
    RuleViolation,
    check_can_answer,
    check_can_ask,
    days_left,
)
from webapp.core.extensions import db
from webapp.core.policies import policy_named
from webapp.disputes.models import Dispute
from webapp.protection.models import ExtensionStatus, ProtectionExtension
from webapp.protection.services import facts_from

if TYPE_CHECKING:
    from webapp.accounts.models import User
    from webapp.orders.models import Order


@dataclass
class Panel:
    """One order's protection panel for one person; `errors`/`values` refill a refused form."""

    order: Order
    is_buyer: bool
    is_seller: bool
    requests: list[ProtectionExtension]  # newest first
    waiting: ProtectionExtension | None
    ask_refusal: str | None  # why the buyer may not ask now (None: the form shows)
    answer_refusal: str | None  # why the seller may not answer now (None: the form shows)
    lapsed: str | None  # why a waiting request can no longer be answered by anyone (None: it can)
    days_left: int
    errors: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    notice: str = ""

    @property
    def ends_at(self) -> datetime:
        """Buyer protection's end, extensions included (O12)."""
        return self.order.protection_ends_at

    @property
    def in_transit(self) -> bool:
        """Dispatched and not yet confirmed received: when extending means something (O10)."""
        return self.order.dispatched_at is not None and self.order.receipt_confirmed_at is None


def _refusal(check: Callable[[], None]) -> str | None:
    try:
        check()
    except RuleViolation as exc:
        return exc.words
    return None


def panel_of(
    user: User, order: Order, requests: Sequence[ProtectionExtension], has_open_dispute: bool, now: datetime
) -> Panel:
    """The panel from what is already loaded: the order's requests and whether a dispute is open."""
    waiting = next((r for r in requests if r.status is ExtensionStatus.PENDING), None)
    facts = facts_from(order, requests, has_open_dispute)
    policy = policy_named(order.policy)
    is_buyer, is_seller = user.id == order.buyer_id, user.id == order.seller_id
    return Panel(
        order=order,
        is_buyer=is_buyer,
        is_seller=is_seller,
        requests=sorted(requests, key=lambda r: r.id, reverse=True),
        waiting=waiting,
        ask_refusal=_refusal(lambda: check_can_ask(facts, policy, now, is_buyer=is_buyer)),
        answer_refusal=_refusal(lambda: check_can_answer(facts, policy, now, is_seller=is_seller)),
        lapsed=_refusal(lambda: check_can_answer(facts, policy, now, is_seller=True)) if waiting else None,
        days_left=days_left(facts, policy),
    )


def panels_for(user: User, orders: Sequence[Order], now: datetime) -> dict[int, Panel]:
    """Every order's panel in two queries (its requests, its open disputes)."""
    ids = [o.id for o in orders]
    requests: dict[int, list[ProtectionExtension]] = {i: [] for i in ids}
    open_disputes: set[int] = set()
    if ids:
        for extension in db.session.scalars(
            select(ProtectionExtension).where(ProtectionExtension.order_id.in_(ids))
        ):
            requests[extension.order_id].append(extension)
        open_disputes = set(
            db.session.scalars(
                select(Dispute.order_id).where(Dispute.order_id.in_(ids), Dispute.state.in_(OPEN_STATES))
            )
        )
    return {o.id: panel_of(user, o, requests[o.id], o.id in open_disputes, now) for o in orders}


def panel_for(
    user: User,
    order: Order,
    now: datetime,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    notice: str = "",
) -> Panel:
    """One order's panel, with a refused form's errors and values, or a notice of what was done."""
    found = panels_for(user, [order], now)[order.id]
    found.errors, found.values, found.notice = errors or {}, values or {}, notice
    return found
