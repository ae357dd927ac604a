"""A dispute as the rules see it: a frozen snapshot the caller builds from its own storage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from .policy import Policy
from .vocabulary import Actor, Outcome, RefundStatus, ReshipStatus, Resolution, ReturnStatus, State

REJECTED = 0  # a party's answer to a mediator decision that accepts none of its solutions


@dataclass(frozen=True)
class Terms:
    """What the buyer gets: a resolution and an amount."""

    resolution: Resolution
    amount: Decimal


NOTHING = Terms(Resolution.REFUND_ONLY, Decimal("0"))


@dataclass(frozen=True)
class EvidenceRequestFacts:
    """An open evidence request from the mediator to one party (M2)."""

    party: Actor
    due_at: datetime


@dataclass(frozen=True)
class DecisionFacts:
    """The mediator's proposed decision and the parties' answers so far (M4).

    A party's answer is the number of the solution it accepted (1 or 2), REJECTED, or None while
    it has not answered.
    """

    solutions: tuple[Terms, ...]
    answers_due_at: datetime
    buyer_answer: int | None = None
    seller_answer: int | None = None

    def terms(self, solution: int) -> Terms:
        """The terms of solution number `solution` (1-based)."""
        if not 1 <= solution <= len(self.solutions):
            raise ValueError(f"there is no solution {solution}")
        return self.solutions[solution - 1]

    def answer(self, party: Actor) -> int | None:
        """The party's answer, or None while it has not answered."""
        return self.buyer_answer if party is Actor.BUYER else self.seller_answer

    @property
    def agreed_solution(self) -> int | None:
        """The solution both parties accepted, if they accepted the same one (M5)."""
        same = self.buyer_answer == self.seller_answer
        return self.buyer_answer if same and self.buyer_answer not in (None, REJECTED) else None

    @property
    def someone_rejected(self) -> bool:
        """Whether either party rejected the proposal (M6)."""
        return REJECTED in (self.buyer_answer, self.seller_answer)

    @property
    def unanswered(self) -> tuple[Actor, ...]:
        """The parties that have not answered yet."""
        return tuple(p for p in (Actor.BUYER, Actor.SELLER) if self.answer(p) is None)


@dataclass(frozen=True)
class DisputeFacts:
    """Everything the engine needs to know of one dispute; times are aware UTC."""

    policy: Policy
    state: State
    received: bool
    currency: str
    order_total: Decimal
    opened_at: datetime
    request: Terms  # the buyer's current request (the dispute form)
    open_until: datetime  # O3: when the window to open (and so to reopen) closes
    seller_responded_at: datetime | None = None
    escalated_at: datetime | None = None
    mediator_acted_at: datetime | None = None
    closed_at: datetime | None = None
    appealed: bool = False
    open_requests: tuple[EvidenceRequestFacts, ...] = ()
    decision: DecisionFacts | None = None
    refund_status: RefundStatus | None = None
    refund_due_at: datetime | None = None
    return_status: ReturnStatus | None = None
    return_due_at: datetime | None = None  # ship-by or confirm-by, as the status says
    reship_status: ReshipStatus | None = None
    reship_due_at: datetime | None = None  # F6 ship-by, then C5 the end of the delivery window
    buyer_tier: str = "regular"
    # How it ended (C4), kept while a complaint sends it back to the platform (C3).
    outcome: Outcome | None = None
    outcome_terms: Terms | None = None

    def requests_for(self, party: Actor) -> tuple[EvidenceRequestFacts, ...]:
        """The open evidence requests addressed to `party`."""
        return tuple(r for r in self.open_requests if r.party is party)
