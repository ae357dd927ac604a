"""Extending buyer protection while the parcel is in transit: who asks, who answers, how far (O10-O12)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .calendar import add_days
from .errors import FormInvalid, NotPermitted, RuleViolation
from .opening import OrderFacts
from .policy import Policy
from .words import N_, Moment, Words

REASON_MAX = 1000


@dataclass(frozen=True)
class ExtensionFacts:
    """What the extension rules need: the order, its dispute, and the extensions it already had."""

    order: OrderFacts
    has_open_dispute: bool = False
    request_waiting: bool = False
    grants: int = 0  # extensions granted so far
    granted_days: int = 0  # extra days granted so far, in total


@dataclass(frozen=True)
class ExtensionAsk:
    """A validated request: the days asked and the buyer's reason (may be empty)."""

    days: int
    reason: str


@dataclass(frozen=True)
class ExtensionGrant:
    """A validated grant: the days given and buyer protection's end before and after."""

    days: int
    ends_before: datetime
    ends_after: datetime


def days_left(facts: ExtensionFacts, policy: Policy) -> int:
    """The most days one more grant may add: the per-request limit within the total still left (O11)."""
    if facts.grants >= policy.protection_extensions_max:
        return 0
    left_in_total = max(policy.protection_extension_total_days - facts.granted_days, 0)
    return min(policy.protection_extension_max_days, left_in_total)


def _check_in_transit(facts: ExtensionFacts, policy: Policy, now: datetime, rule: str) -> None:
    order = facts.order
    if order.dispatched_at is None:
        raise RuleViolation(rule, N_("The order has not been dispatched yet: there is nothing in transit."))
    if order.receipt_confirmed_at is not None:
        raise RuleViolation(
            rule, N_("Receipt of this order was confirmed: the parcel is no longer in transit.")
        )
    if now >= order.protection_ends_at:
        raise RuleViolation(
            rule,
            Words(
                N_(
                    "Buyer protection ended on %(ended)s UTC and can no longer be extended: open a dispute "
                    'with the reason "protection expiring while in transit".'
                ),
                ended=Moment(order.protection_ends_at),
            ),
        )
    if facts.has_open_dispute:
        raise RuleViolation(rule, N_("This order has an open dispute: settle it there instead."))
    if days_left(facts, policy) < 1:
        raise RuleViolation(
            "O11",
            Words(
                N_(
                    "Buyer protection of this order was already extended as far as %(policy)s allows "
                    "(%(times)s times, %(days)s days)."
                ),
                policy=policy.title,
                times=policy.protection_extensions_max,
                days=policy.protection_extension_total_days,
            ),
        )


def _days_refusal(limit: int) -> Words:
    return Words(N_("Enter a whole number of days from 1 to %(limit)s."), limit=limit)


def parse_days(value: object, limit: int) -> int:
    """A whole number of days from 1 to `limit`, or FormInvalid naming the field "days"."""
    text = str(value if value is not None else "").strip()
    if not text.isdigit() or not text.isascii():
        raise FormInvalid({"days": _days_refusal(limit)})
    days = int(text[:6])
    if len(text) > 6 or days < 1 or days > limit:
        raise FormInvalid({"days": _days_refusal(limit)})
    return days


def check_can_ask(facts: ExtensionFacts, policy: Policy, now: datetime, *, is_buyer: bool) -> None:
    """Raise unless this person may ask for an extension now (O10, O11)."""
    if not is_buyer:
        raise NotPermitted("O10", N_("Only the order's buyer can ask for buyer protection to be extended."))
    _check_in_transit(facts, policy, now, "O10")
    if facts.request_waiting:
        raise RuleViolation(
            "O10", N_("Your request to extend buyer protection is already waiting for the seller.")
        )


def validate_ask(
    facts: ExtensionFacts, policy: Policy, now: datetime, *, is_buyer: bool, days: object, reason: object
) -> ExtensionAsk:
    """Check a request to extend protection: the moment (O10), then the days and the reason."""
    check_can_ask(facts, policy, now, is_buyer=is_buyer)
    errors: dict[str, str] = {}
    asked = 0
    try:
        asked = parse_days(days, days_left(facts, policy))
    except FormInvalid as exc:
        errors.update(exc.errors)
    text = str(reason or "").strip()
    if len(text) > REASON_MAX:
        errors["reason"] = Words(N_("Keep the reason under %(count)s characters."), count=REASON_MAX)
    if errors:
        raise FormInvalid(errors)
    return ExtensionAsk(asked, text)


def check_can_answer(facts: ExtensionFacts, policy: Policy, now: datetime, *, is_seller: bool) -> None:
    """Raise unless this person may grant or decline a waiting request now (O11)."""
    if not is_seller:
        raise NotPermitted(
            "O11", N_("Only the order's seller can answer a request to extend buyer protection.")
        )
    if not facts.request_waiting:
        raise RuleViolation("O11", N_("No request to extend buyer protection is waiting for an answer."))
    _check_in_transit(facts, policy, now, "O11")


def validate_grant(
    facts: ExtensionFacts, policy: Policy, now: datetime, *, is_seller: bool, days: object
) -> ExtensionGrant:
    """Check a grant (O11) and say where buyer protection now ends (O12)."""
    check_can_answer(facts, policy, now, is_seller=is_seller)
    given = parse_days(days, days_left(facts, policy))
    before = facts.order.protection_ends_at
    return ExtensionGrant(given, before, extended_end(before, given))


def extended_end(protection_ends_at: datetime, days: int) -> datetime:
    """Buyer protection's end once `days` more are granted (O12)."""
    return add_days(protection_ends_at, days)
