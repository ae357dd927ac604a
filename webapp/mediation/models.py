"""The mediator's evidence requests and decisions, with each party's answer."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dispute_engine import Actor, Resolution, Terms
from webapp.core.db import Money, UTCDateTime, string_enum
from webapp.core.extensions import Model


class RequestStatus(StrEnum):
    """An evidence request's life (M2)."""

    OPEN = "open"
    ANSWERED = "answered"
    MISSED = "missed"  # its deadline passed (M3)
    CLOSED = "closed"  # the dispute ended while it was open


class EvidenceRequest(Model):
    """The mediator asks one party for specific evidence by a deadline (M2)."""

    __tablename__ = "evidence_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"), index=True)
    mediator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    party: Mapped[Actor] = mapped_column(string_enum(Actor))
    wanted: Mapped[str] = mapped_column(Text)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[RequestStatus] = mapped_column(string_enum(RequestStatus))
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response_comment: Mapped[str] = mapped_column(Text, default="")


class DecisionStatus(StrEnum):
    """A mediator decision's life (M4-M6)."""

    PROPOSED = "proposed"  # the parties answer within the policy's days
    REPLACED = "replaced"  # the mediator proposed again (M6)
    AGREED = "agreed"  # both parties accepted the same solution (M5)
    FINAL = "final"  # the mediator chose a solution (M5), or a missed deadline settled it (M3)


class Decision(Model):
    """The mediator's one or two solutions, the parties' answers, and how it ended."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"), index=True)
    mediator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[DecisionStatus] = mapped_column(string_enum(DecisionStatus))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answers_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The database keeps the columns' and table's first names (chosen_option, choice, decision_options).
    chosen_solution: Mapped[int | None] = mapped_column("chosen_option")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The evidence present when the decision was made: [{"id", "sha256", "removed"}].
    evidence_hashes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    solutions: Mapped[list[DecisionSolution]] = relationship(
        order_by="DecisionSolution.position", lazy="selectin", cascade="all, delete-orphan"
    )
    answers: Mapped[list[DecisionAnswer]] = relationship(lazy="selectin", cascade="all, delete-orphan")
    evidence_seen: Mapped[list[DecisionEvidence]] = relationship(
        order_by="DecisionEvidence.item_id", lazy="select", cascade="all, delete-orphan"
    )

    def answer_of(self, party: Actor) -> DecisionAnswer | None:
        """The party's answer, if it gave one."""
        return next((a for a in self.answers if a.party is party), None)


class DecisionSolution(Model):
    """One solution the mediator offers (M4)."""

    __tablename__ = "decision_options"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    position: Mapped[int]
    resolution: Mapped[Resolution] = mapped_column(string_enum(Resolution))
    amount: Mapped[Decimal] = mapped_column(Money)
    comment: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (UniqueConstraint("decision_id", "position"),)

    @property
    def terms(self) -> Terms:
        """The solution's resolution and amount."""
        return Terms(self.resolution, self.amount)


class DecisionAnswer(Model):
    """A party's answer: the solution it accepts, or 0 for rejecting them all (M4, M6)."""

    __tablename__ = "decision_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"))
    party: Mapped[Actor] = mapped_column(string_enum(Actor))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    solution: Mapped[int] = mapped_column("choice")  # the solution's number; 0: rejected them all
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("decision_id", "party"),)


class DecisionEvidence(Model):
    """One evidence item as it was when the decision was taken (M3, M5): written then, never changed."""

    __tablename__ = "decision_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("evidence_items.id"))
    party: Mapped[Actor] = mapped_column(string_enum(Actor))
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    removed: Mapped[bool] = mapped_column(default=False)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("decision_id", "item_id"),)
