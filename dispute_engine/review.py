"""What the parties are told while the platform reviews: first contact and final resolution, by when (M8)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .calendar import add_business_days, add_days
from .facts import DisputeFacts
from .vocabulary import State


@dataclass(frozen=True)
class ReviewEstimate:
    """The platform's own promises for an escalated dispute, from its policy."""

    decision_by: datetime  # final resolution expected by (aliexpress: its week; dhgate: 15 days)
    decision_days: int
    first_contact_by: datetime | None = None  # dhgate: the resolution center contacts the parties
    first_contact_days: int | None = None  # business days, by the buyer's membership tier
    tier: str = "regular"


def review_estimate(facts: DisputeFacts) -> ReviewEstimate | None:
    """When the platform should contact the parties and decide; None unless the dispute is escalated."""
    if facts.state is not State.ESCALATED or facts.escalated_at is None:
        return None
    policy = facts.policy
    contact_days = policy.first_contact_business_days.get(facts.buyer_tier)
    contact_by = None
    if contact_days is not None and facts.mediator_acted_at is None:
        contact_by = add_business_days(facts.escalated_at, contact_days)
    return ReviewEstimate(
        decision_by=add_days(facts.escalated_at, policy.final_resolution_days),
        decision_days=policy.final_resolution_days,
        first_contact_by=contact_by,
        first_contact_days=contact_days if contact_by else None,
        tier=facts.buyer_tier,
    )
