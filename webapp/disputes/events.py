"""Domain events: how features above the dispute (mediation, settlement) react to what it does.

The dispute package publishes; features subscribe when they are imported (`webapp.FEATURE_HOOKS`).
A handler may return a sentence that `finish` adds to the history line of the step.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from dispute_engine import Closing, EffectKind, Step

if TYPE_CHECKING:
    from webapp.disputes.models import Dispute


@dataclass(frozen=True)
class DisputeClosed:
    """The dispute closed (or was cancelled) on `closing`: money and open business follow."""

    dispute: Dispute
    closing: Closing
    at: datetime
    by_clock: bool
    # What handlers add to the closing's history line (sealed in the chain with it).
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DisputeEscalated:
    """The dispute went (back) to the platform."""

    dispute: Dispute
    at: datetime


@dataclass(frozen=True)
class DisputeReopened:
    """The buyer reopened the dispute (C2 after a cancelling, C5 after a re-shipment that never came)."""

    dispute: Dispute
    at: datetime


@dataclass(frozen=True)
class ReturnClockRan:
    """A return's or a re-shipment's deadline passed: it lapses, counts as received (F2), or the
    refund is due instead of the new parcel (F6)."""

    dispute: Dispute
    effect: EffectKind
    at: datetime


@dataclass(frozen=True)
class RefundDue:
    """Settlement owes the buyer money now (F1): the marketplace is to pay it."""

    dispute: Dispute
    refund_id: int
    amount: Decimal
    currency: str
    due_at: datetime
    at: datetime


@dataclass(frozen=True)
class RefundOverdue:
    """A refund passed its due date unpaid (F1, F3)."""

    dispute: Dispute
    refund_id: int
    at: datetime


@dataclass(frozen=True)
class DisputeChanged:
    """Any action or passed deadline was recorded (after the more specific events of the same step)."""

    dispute: Dispute
    action: str  # the history event's name: "opened", "request_rejected", "closed", ...
    step: Step | None  # the engine's step when the state machine was involved
    at: datetime


E = TypeVar("E")
Handler = Callable[[Any], str | None]
_handlers: dict[type, list[Handler]] = defaultdict(list)


def subscribe(event_type: type[E]) -> Callable[[Callable[[E], str | None]], Callable[[E], str | None]]:
    """Register the decorated function to run, in the same transaction, when `event_type` is published."""

    def register(handler: Callable[[E], str | None]) -> Callable[[E], str | None]:
        if handler not in _handlers[event_type]:
            _handlers[event_type].append(handler)
        return handler

    return register


def publish(event: object) -> list[str]:
    """Run every handler of the event's type, in registration order; return what they had to add."""
    notes = [handler(event) for handler in _handlers[type(event)]]
    return [note for note in notes if note]


def subscribers(event_type: type) -> list[Handler]:
    """The handlers registered for `event_type` (for the test that checks the wiring)."""
    return list(_handlers[event_type])
