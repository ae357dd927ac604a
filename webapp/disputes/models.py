"""A dispute, the parties' proposals and their conversation."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dispute_engine import Actor, DeadlineKind, Outcome, Reason, Resolution, State, Terms
from webapp.core.db import Money, UTCDateTime, string_enum
from webapp.core.extensions import Model, db

if TYPE_CHECKING:
    from webapp.accounts.models import User
    from webapp.orders.models import Order


class Dispute(Model):
    """One dispute on one order (O1: the order id is unique), guarded by a version column."""

    __tablename__ = "disputes"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    policy: Mapped[str] = mapped_column(String(40))
    state: Mapped[State] = mapped_column(string_enum(State), index=True)
    # The buyer's request (the dispute form, N6).
    received: Mapped[bool]
    reason: Mapped[Reason] = mapped_column(string_enum(Reason, 40))
    resolution: Mapped[Resolution] = mapped_column(string_enum(Resolution))
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    description: Mapped[str] = mapped_column(Text)
    # The clocks.
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    seller_responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mediator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    mediator_acted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_deadline_kind: Mapped[DeadlineKind | None] = mapped_column(string_enum(DeadlineKind))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The end (C4) and the complaint (C3).
    outcome: Mapped[Outcome | None] = mapped_column(string_enum(Outcome, 40))
    outcome_resolution: Mapped[Resolution | None] = mapped_column(string_enum(Resolution))
    outcome_amount: Mapped[Decimal | None] = mapped_column(Money)
    outcome_comment: Mapped[str] = mapped_column(Text, default="")
    appealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    appeal_reason: Mapped[str | None] = mapped_column(String(40))
    appeal_description: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    # Counts what changes the page but no form on it (messages, evidence), so the page's one poll
    # sees it; written with a plain UPDATE, so it does not bump `version`.
    activity: Mapped[int] = mapped_column(default=0, server_default="0")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (Index("ix_disputes_due", "next_deadline_at"),)

    order: Mapped[Order] = relationship(lazy="joined")
    mediator: Mapped[User | None] = relationship()
    proposals: Mapped[list[Proposal]] = relationship(
        back_populates="dispute", order_by="Proposal.id", lazy="selectin"
    )

    def __repr__(self) -> str:
        return f"<Dispute {self.id} {self.state}>"

    @property
    def request(self) -> Terms:
        """The buyer's current request as terms."""
        return Terms(self.resolution, self.amount)

    @property
    def outcome_terms(self) -> Terms | None:
        """The terms it closed (or was cancelled) on, None while it has no outcome."""
        if self.outcome_resolution is None or self.outcome_amount is None:
            return None
        return Terms(self.outcome_resolution, self.outcome_amount)

    def table_the_request(self, author_id: int, at: datetime) -> Proposal:
        """Put the buyer's request on the table as its standing proposal (O4, N6, C2)."""
        proposal = Proposal(
            dispute=self,
            party=Actor.BUYER,
            author_id=author_id,
            resolution=self.resolution,
            amount=self.amount,
            comment=self.description,
            status=ProposalStatus.PENDING,
            created_at=at,
        )
        db.session.add(proposal)
        return proposal

    def live_proposals(self, party: Actor | None = None) -> list[Proposal]:
        """Proposals still on the table (pending or rejected, not replaced), optionally of one party."""
        return [p for p in self.proposals if p.is_live and (party is None or p.party is party)]


class ProposalStatus(StrEnum):
    """A proposal's life (N2-N5)."""

    PENDING = "pending"  # on the table, unanswered
    REJECTED = "rejected"  # the other party said no; its author may change it (N5)
    ACCEPTED = "accepted"  # the dispute closed on it (N4)
    SUPERSEDED = "superseded"  # replaced by a change (N3), kept for the history
    WITHDRAWN = "withdrawn"  # the dispute moved on (escalated, closed) while it was live


class Proposal(Model):
    """A party's offer: resolution, amount, comment (N2)."""

    __tablename__ = "proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"), index=True)
    party: Mapped[Actor] = mapped_column(string_enum(Actor))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    resolution: Mapped[Resolution] = mapped_column(string_enum(Resolution))
    amount: Mapped[Decimal] = mapped_column(Money)
    comment: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ProposalStatus] = mapped_column(string_enum(ProposalStatus))
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    dispute: Mapped[Dispute] = relationship(back_populates="proposals")

    @property
    def is_live(self) -> bool:
        """On the table: pending or rejected, and not replaced."""
        return self.status in (ProposalStatus.PENDING, ProposalStatus.REJECTED)

    @property
    def terms(self) -> Terms:
        """The proposal's resolution and amount."""
        return Terms(self.resolution, self.amount)


class Message(Model):
    """A line in the negotiation thread between buyer and seller (N7)."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    party: Mapped[Actor] = mapped_column(string_enum(Actor))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    author: Mapped[User] = relationship(lazy="joined")
