"""Small builders for the engine's unit tests: fixed UTC moments, an order, a dispute snapshot.

Every builder has sensible defaults (a USD 50.00 order, received, the buyer asking for a 45.00
refund, the aliexpress policy) and takes keyword overrides for what a test is about.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from dispute_engine import (
    DecisionFacts,
    DisputeFacts,
    EvidenceRequestFacts,
    OrderFacts,
    Policy,
    Resolution,
    State,
    Terms,
    builtin_policies,
)
from dispute_engine.vocabulary import Actor

POLICIES = builtin_policies()
ALIEXPRESS = POLICIES.get("aliexpress")
DHGATE = POLICIES.get("dhgate")

# 3 March 2025 was a Monday: the dispute opens then, at 09:00 UTC.
OPENED = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
DISPATCHED = datetime(2025, 2, 10, 9, 0, tzinfo=UTC)
PROTECTION_ENDS = datetime(2025, 4, 11, 9, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)

TOTAL = Decimal("50.00")
REQUEST = Terms(Resolution.REFUND_ONLY, Decimal("45.00"))
HALF_BACK_KEEP_ITEM = Terms(Resolution.REFUND_ONLY, Decimal("25.00"))
ALL_BACK_AFTER_RETURN = Terms(Resolution.RETURN_AND_REFUND, Decimal("50.00"))


def days(n: float) -> timedelta:
    """A span of `n` calendar days."""
    return timedelta(days=n)


def after_opening(n_days: float = 0, *, seconds: int = 0) -> datetime:
    """The moment `n_days` days (and `seconds` seconds) after the dispute opened."""
    return OPENED + timedelta(days=n_days, seconds=seconds)


def order(**overrides: Any) -> OrderFacts:
    """An order dispatched on 10 February 2025, protection until 11 April, receipt not confirmed."""
    defaults: dict[str, Any] = {
        "total": TOTAL,
        "currency": "USD",
        "dispatched_at": DISPATCHED,
        "protection_ends_at": PROTECTION_ENDS,
        "receipt_confirmed_at": None,
    }
    return OrderFacts(**(defaults | overrides))


def facts(**overrides: Any) -> DisputeFacts:
    """A dispute just opened under aliexpress, waiting for the seller; override any field."""
    defaults: dict[str, Any] = {
        "policy": ALIEXPRESS,
        "state": State.AWAITING_SELLER,
        "received": True,
        "currency": "USD",
        "order_total": TOTAL,
        "opened_at": OPENED,
        "request": REQUEST,
        "open_until": OPENED + days(60),
    }
    return DisputeFacts(**(defaults | overrides))


def negotiating(**overrides: Any) -> DisputeFacts:
    """The seller rejected on day 2; the parties negotiate."""
    return facts(**({"state": State.NEGOTIATING, "seller_responded_at": after_opening(2)} | overrides))


def escalated(**overrides: Any) -> DisputeFacts:
    """No agreement: the dispute went to the platform on day 7."""
    defaults = {
        "state": State.ESCALATED,
        "seller_responded_at": after_opening(2),
        "escalated_at": after_opening(7),
    }
    return facts(**(defaults | overrides))


def closed(**overrides: Any) -> DisputeFacts:
    """Closed on day 10 after the platform's decision."""
    defaults = {
        "state": State.CLOSED,
        "seller_responded_at": after_opening(2),
        "escalated_at": after_opening(7),
        "closed_at": after_opening(10),
    }
    return facts(**(defaults | overrides))


def cancelled(**overrides: Any) -> DisputeFacts:
    """Cancelled by the buyer on day 3, during negotiation."""
    defaults = {"state": State.CANCELLED, "seller_responded_at": after_opening(2)}
    return facts(**(defaults | overrides))


def evidence_request(party: Actor, due_at: datetime) -> EvidenceRequestFacts:
    """The mediator asked `party` for evidence by `due_at` (M2)."""
    return EvidenceRequestFacts(party, due_at)


def decision(
    *solutions: Terms,
    due_at: datetime | None = None,
    buyer: int | None = None,
    seller: int | None = None,
) -> DecisionFacts:
    """The mediator's proposal (the sources' two solutions unless given), answers due on day 12."""
    return DecisionFacts(
        solutions or (HALF_BACK_KEEP_ITEM, ALL_BACK_AFTER_RETURN),
        due_at or after_opening(12),
        buyer_answer=buyer,
        seller_answer=seller,
    )


def policy(base: Policy = ALIEXPRESS, **changes: Any) -> Policy:
    """A copy of `base` with some numbers changed."""
    return replace(base, **changes)
