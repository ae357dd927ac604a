"""The mediator's queue: escalated disputes by when the mediator must act, counted by status (M1, M8),
with who holds each case."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, select

from dispute_engine import (
    DeadlineKind,
    DisputeFacts,
    Figure,
    MediationStatus,
    State,
    figures,
    first_contact_due,
    mediation_status,
    mediator_due_at,
    next_deadline,
)
from webapp.accounts.models import MembershipTier, User
from webapp.core.extensions import db
from webapp.core.policies import registry
from webapp.dashboard.listing import list_disputes, settle_due
from webapp.disputes.models import Dispute
from webapp.orders.models import Order

DUE_WORDS = {
    DeadlineKind.BUYER_EVIDENCE: "Evidence due from the buyer",
    DeadlineKind.SELLER_EVIDENCE: "Evidence due from the seller",
    DeadlineKind.DECISION_ANSWERS: "Answers to the solutions due",
}
TIER_CHOICES = tuple((tier.value, tier.value.title()) for tier in MembershipTier)
STATUS_CHOICES = tuple((status.value, status.label) for status in MediationStatus)
HOLDER_CHOICES = (("mine", "Mine"), ("unassigned", "Unassigned"))


def policy_choices() -> list[tuple[str, str]]:
    """Every policy this deployment runs, as (name, title)."""
    policies = registry()
    return [(name, policies.get(name).title) for name in policies.names()]


@dataclass(frozen=True)
class QueueFilters:
    """What the queue's filter form asks for: a policy, a buyer tier, an M1 status, whose cases."""

    policy: str = ""
    tier: str = ""
    status: str = ""
    holder: str = ""  # "mine", "unassigned", or every case

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> QueueFilters:
        """Read the query string; unknown values mean no filter."""
        policy, tier, status, holder = (args.get(key, "") for key in ("policy", "tier", "status", "holder"))
        return cls(
            policy=policy if policy in registry().names() else "",
            tier=tier if tier in set(MembershipTier) else "",
            status=status if status in set(MediationStatus) else "",
            holder=holder if holder in dict(HOLDER_CHOICES) else "",
        )

    @property
    def active(self) -> bool:
        """True when the queue is narrowed down."""
        return bool(self.policy or self.tier or self.status or self.holder)

    def with_status(self, status: MediationStatus | None) -> dict[str, str]:
        """These filters with another status, as query arguments (for the count links)."""
        args = {
            "policy": self.policy,
            "tier": self.tier,
            "status": status.value if status else "",
            "holder": self.holder,
        }
        return {key: value for key, value in args.items() if value}


@dataclass(frozen=True)
class QueueRow:
    """One escalated dispute in the queue."""

    dispute: Dispute
    status: MediationStatus
    due_at: datetime
    due_what: str
    due_in: timedelta  # negative once the due time has passed
    figures: tuple[Figure, ...]  # the request, then a live proposal or what a complaint reopened
    holder: str | None = None  # the name of the mediator who holds the case, None while it is free

    @property
    def overdue(self) -> bool:
        """True when the due time has passed (an M8 contact or a resolution running late)."""
        return self.due_in <= timedelta(0)

    @property
    def time_left(self) -> timedelta:
        """How long until the due time; how late it is, once overdue."""
        return abs(self.due_in)

    @property
    def order(self) -> Order:
        """The disputed order."""
        return self.dispute.order

    @property
    def buyer(self) -> User:
        """The buyer, whose tier sets the dhgate contact time (M8)."""
        return self.dispute.order.buyer


@dataclass(frozen=True)
class Queue:
    """The rows the filters let through, soonest due first, and the M1 counts before the status filter."""

    rows: list[QueueRow]
    counts: dict[MediationStatus, int]
    total: int


def due_what(facts: DisputeFacts, due_at: datetime) -> str:
    """Which clock sets the due time: a party's deadline, first contact (M8), or final resolution."""
    deadline = next_deadline(facts)
    if deadline is not None and deadline.at == due_at:
        return DUE_WORDS.get(deadline.kind, "Deadline")
    escalated, untouched = facts.escalated_at, facts.mediator_acted_at is None
    if untouched and escalated and first_contact_due(facts.policy, escalated, facts.buyer_tier) == due_at:
        return f"First contact with a {facts.buyer_tier} member"
    return "Final resolution"


def _names(user_ids: set[int | None]) -> dict[int | None, str]:
    """The names of the mediators holding the listed cases, in one query."""
    if not user_ids:
        return {}
    rows = db.session.execute(select(User.id, User.name).where(User.id.in_(user_ids)))
    return {user_id: name for user_id, name in rows}


def mediator_queue(filters: QueueFilters, now: datetime, me: User) -> Queue:
    """The marketplace's escalated disputes matching the filters, ordered by mediator_due_at (M8),
    with M1 counts; a mediator never sees another marketplace's. `me` is the mediator looking."""
    ours = Dispute.order_id.in_(select(Order.id).where(Order.marketplace_id == me.marketplace_id))
    settle_due(now, ours)
    criteria: list[ColumnElement[bool]] = [Dispute.state == State.ESCALATED, ours]
    if filters.holder == "mine":
        criteria.append(Dispute.mediator_id == me.id)
    elif filters.holder == "unassigned":
        criteria.append(Dispute.mediator_id.is_(None))
    if filters.policy:
        criteria.append(Dispute.policy == filters.policy)
    if filters.tier:
        tiered = select(Order.id).join(User, User.id == Order.buyer_id)
        criteria.append(Dispute.order_id.in_(tiered.where(User.membership_tier == filters.tier)))
    rows = []
    listed_disputes = list_disputes(*criteria)
    holders = _names({listed.dispute.mediator_id for listed in listed_disputes} - {None})
    for listed in listed_disputes:
        due = mediator_due_at(listed.facts) or now
        rows.append(
            QueueRow(
                listed.dispute,
                mediation_status(listed.facts),
                due,
                due_what(listed.facts, due),
                due - now,
                figures(listed.facts),
                holders.get(listed.dispute.mediator_id),
            )
        )
    counts = Counter(row.status for row in rows)
    shown = [row for row in rows if not filters.status or row.status == filters.status]
    shown.sort(key=lambda row: (row.due_at, row.dispute.id))
    return Queue(shown, {status: counts[status] for status in MediationStatus}, len(rows))
