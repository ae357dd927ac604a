"""Who may open a dispute on an order, when, and with what request (O1-O8, N6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TypeVar

from .calendar import add_days
from .errors import FormInvalid, NotPermitted, RuleViolation
from .money import parse_amount
from .policy import Policy
from .reasons import REASONS, Reason
from .vocabulary import Resolution
from .words import N_, Moment, Words

DESCRIPTION_MAX = 4000
E = TypeVar("E", Reason, Resolution)


@dataclass(frozen=True)
class OrderFacts:
    """What the rules need to know of an order."""

    total: Decimal  # item price + shipping cost
    currency: str
    dispatched_at: datetime | None
    protection_ends_at: datetime
    receipt_confirmed_at: datetime | None = None


@dataclass(frozen=True)
class DisputeRequest:
    """A validated dispute form: what the buyer asks for."""

    received: bool
    reason: Reason
    resolution: Resolution
    amount: Decimal
    description: str


def opening_window(order: OrderFacts, policy: Policy) -> tuple[datetime | None, datetime]:
    """When a dispute may first be opened (O2; None if never dispatched) and when it no longer may (O3)."""
    opens = add_days(order.dispatched_at, policy.open_after_dispatch_days) if order.dispatched_at else None
    anchor = order.receipt_confirmed_at or order.protection_ends_at
    return opens, add_days(anchor, policy.open_until_days_after_receipt)


def check_can_open(
    order: OrderFacts, policy: Policy, now: datetime, *, is_buyer: bool, has_dispute: bool
) -> None:
    """Raise RuleViolation unless this person may open a dispute on this order now (O1-O3)."""
    if not is_buyer:
        raise NotPermitted("O1", N_("Only the order's buyer can open a dispute on it."))
    if has_dispute:
        raise RuleViolation(
            "O1", N_("This order already has a dispute. Open it from the order to see where it stands.")
        )
    opens, closes = opening_window(order, policy)
    if opens is None:
        raise RuleViolation("O2", N_("The order has not been dispatched yet, so no dispute can be opened."))
    if now < opens:
        raise RuleViolation(
            "O2",
            N_("A dispute can be opened from %(opens)s UTC, %(days)s days after dispatch."),
            opens=Moment(opens),
            days=policy.open_after_dispatch_days,
        )
    if now > closes:
        raise RuleViolation(
            "O3",
            N_("The time to open a dispute ended on %(closes)s UTC."),
            closes=Moment(closes),
        )


def in_transit_reason_opens_at(order: OrderFacts, now: datetime) -> datetime | None:
    """The date after which "protection expiring in transit" may be chosen, or None if it may now (O5)."""
    return None if now >= order.protection_ends_at else order.protection_ends_at


def validate_request(
    order: OrderFacts,
    now: datetime,
    *,
    received: object,
    reason: object,
    resolution: object,
    amount: object,
    description: object,
    evidence_count: int,
    require_evidence: bool = True,
) -> DisputeRequest:
    """Check the dispute form field by field; raise FormInvalid naming each wrong field (O4-O8)."""
    errors: dict[str, str] = {}
    got = _yes_no(received)
    if got is None:
        errors["received"] = Words(N_("Tell us whether you received the goods."))

    chosen_reason = _enum_or_none(Reason, reason)
    if chosen_reason is None:
        errors["reason"] = Words(N_("Choose a reason."))
    elif got is not None and REASONS[chosen_reason].received is not got:
        errors["reason"] = Words(
            N_("That reason is for goods you received.")
            if REASONS[chosen_reason].received
            else N_("That reason is for goods you did not receive.")
        )
    elif chosen_reason is Reason.PROTECTION_EXPIRING_IN_TRANSIT:
        opens_at = in_transit_reason_opens_at(order, now)
        if opens_at is not None:
            errors["reason"] = Words(
                N_("Buyer protection has not ended yet: choose this reason after %(opens)s UTC."),
                opens=Moment(opens_at),
            )

    chosen_resolution = _enum_or_none(Resolution, resolution)
    if chosen_resolution is Resolution.RESHIP:
        errors["resolution"] = Words(
            N_("A re-shipment is agreed with the seller or decided by the platform, not asked for here.")
        )
    elif chosen_resolution is None:
        errors["resolution"] = Words(N_("Choose Refund only or Return goods and refund."))
    elif chosen_resolution is Resolution.RETURN_AND_REFUND and got is False:
        errors["resolution"] = Words(N_("Return goods and refund needs goods you received."))

    parsed_amount: Decimal | None = None
    try:
        parsed_amount = parse_amount(amount, order.currency, order.total)
    except ValueError as exc:
        errors["amount"] = exc.args[0]

    text = str(description or "").strip()
    if not text:
        errors["description"] = Words(N_("Describe the problem in a few words."))
    elif len(text) > DESCRIPTION_MAX:
        errors["description"] = Words(
            N_("Keep the description under %(limit)s characters."), limit=DESCRIPTION_MAX
        )

    if require_evidence and got and evidence_count < 1:
        errors["evidence"] = Words(N_("Add at least one photo or video of the goods you received."))

    if errors:
        raise FormInvalid(errors)
    assert got is not None and chosen_reason and chosen_resolution and parsed_amount is not None
    return DisputeRequest(got, chosen_reason, chosen_resolution, parsed_amount, text)


def _yes_no(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    return {"yes": True, "no": False}.get(str(value).strip().lower())


def _enum_or_none(kind: type[E], value: object) -> E | None:
    try:
        return kind(str(value)) if value not in (None, "") else None
    except ValueError:
        return None
