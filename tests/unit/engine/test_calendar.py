"""Plain days and business days (M8): weekends do not count for the resolution center."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from dispute_builders import DHGATE

from dispute_engine import add_business_days, add_days, first_contact_due

# The week of 3 March 2025: Monday 3 ... Friday 7, Saturday 8, Sunday 9, Monday 10.
MONDAY = datetime(2025, 3, 3, 14, 30, tzinfo=UTC)
FRIDAY = datetime(2025, 3, 7, 14, 30, tzinfo=UTC)
SATURDAY = datetime(2025, 3, 8, 14, 30, tzinfo=UTC)
SUNDAY = datetime(2025, 3, 9, 14, 30, tzinfo=UTC)


def on(day: int, month: int = 3) -> datetime:
    """That day of 2025 at the same time of day as the starts above."""
    return datetime(2025, month, day, 14, 30, tzinfo=UTC)


def test_add_days_counts_every_calendar_day():
    assert add_days(FRIDAY, 2) == SUNDAY
    assert add_days(FRIDAY, 0) == FRIDAY


def test_m8_friday_plus_two_business_days_is_tuesday():
    assert add_business_days(FRIDAY, 2) == on(11)
    assert add_business_days(FRIDAY, 2).strftime("%A") == "Tuesday"


def test_m8_friday_plus_one_business_day_is_monday():
    assert add_business_days(FRIDAY, 1) == on(10)


def test_m8_within_the_week_business_days_are_days():
    assert add_business_days(MONDAY, 2) == on(5)
    assert add_business_days(MONDAY, 4) == FRIDAY


def test_m8_five_business_days_are_a_week():
    assert add_business_days(MONDAY, 5) == on(10)
    assert add_business_days(FRIDAY, 5) == on(14)


def test_m8_seven_business_days_from_monday_skip_one_weekend():
    assert add_business_days(MONDAY, 7) == on(12)


@pytest.mark.parametrize("start", [SATURDAY, SUNDAY], ids=["saturday", "sunday"])
def test_m8_a_clock_started_at_the_weekend_counts_from_monday_at_the_same_time(start):
    assert add_business_days(start, 0) == on(10)
    assert add_business_days(start, 1) == on(11)
    assert add_business_days(start, 2) == on(12)


def test_m8_the_time_of_day_is_kept():
    due = add_business_days(datetime(2025, 3, 7, 23, 59, 59, tzinfo=UTC), 1)
    assert due == datetime(2025, 3, 10, 23, 59, 59, tzinfo=UTC)
    assert due.tzinfo is UTC


def test_m8_business_days_cross_months_and_years():
    assert add_business_days(datetime(2025, 12, 31, 9, 0, tzinfo=UTC), 3) == datetime(
        2026, 1, 5, 9, 0, tzinfo=UTC
    )


def test_m8_negative_business_days_are_refused():
    with pytest.raises(ValueError, match="must not be negative"):
        add_business_days(MONDAY, -1)


def test_m8_first_contact_within_two_business_days_for_gold_and_seven_for_regular():
    assert first_contact_due(DHGATE, FRIDAY, "gold") == on(11)  # Tuesday
    assert first_contact_due(DHGATE, FRIDAY, "regular") == on(18)  # the Tuesday after next


def test_m8_first_contact_for_silver_and_bronze():
    assert first_contact_due(DHGATE, MONDAY, "silver") == on(6)  # Thursday
    assert first_contact_due(DHGATE, MONDAY, "bronze") == on(10)  # next Monday


def test_m8_first_contact_for_a_tier_the_policy_does_not_know_is_none():
    assert first_contact_due(DHGATE, MONDAY, "diamond") is None
