"""M8 as the parties see it: first contact by tier (dhgate) and the final resolution, from the policy."""

from __future__ import annotations

from dispute_builders import ALIEXPRESS, DHGATE, after_opening, escalated, negotiating

from dispute_engine import add_business_days, add_days
from dispute_engine.review import review_estimate


def test_m8_dhgate_promises_first_contact_by_tier_in_business_days_and_resolution_in_15_days():
    dispute = escalated(policy=DHGATE, buyer_tier="silver")
    estimate = review_estimate(dispute)
    assert estimate is not None
    assert estimate.first_contact_by == add_business_days(after_opening(7), 3)
    assert (estimate.first_contact_days, estimate.tier) == (3, "silver")
    assert (estimate.decision_by, estimate.decision_days) == (add_days(after_opening(7), 15), 15)


def test_m8_a_regular_member_waits_7_business_days_and_the_weekend_does_not_count():
    estimate = review_estimate(escalated(policy=DHGATE))
    assert estimate is not None and estimate.first_contact_days == 7
    assert (estimate.first_contact_by - after_opening(7)).days == 9  # one weekend inside


def test_m8_first_contact_is_no_longer_promised_once_the_mediator_acted():
    estimate = review_estimate(escalated(policy=DHGATE, mediator_acted_at=after_opening(8)))
    assert estimate is not None and estimate.first_contact_by is None and estimate.first_contact_days is None


def test_m8_aliexpress_gives_the_platform_a_week_and_promises_no_first_contact():
    estimate = review_estimate(escalated(policy=ALIEXPRESS))
    assert estimate is not None and estimate.first_contact_by is None
    assert (estimate.decision_by, estimate.decision_days) == (add_days(after_opening(7), 7), 7)


def test_m8_nothing_is_estimated_before_escalation():
    assert review_estimate(negotiating()) is None
