"""Calendar arithmetic for deadlines: plain days and business days (M8)."""

from __future__ import annotations

from datetime import datetime, timedelta

SATURDAY = 5


def add_days(start: datetime, days: int) -> datetime:
    """Return the moment `days` calendar days after `start`."""
    return start + timedelta(days=days)


def add_business_days(start: datetime, days: int) -> datetime:
    """Return the moment `days` business days after `start`, skipping Saturdays and Sundays.

    A clock that starts at the weekend starts counting on Monday at the same time of day.
    """
    if days < 0:
        raise ValueError("business days must not be negative")
    moment = start
    while moment.weekday() >= SATURDAY:
        moment += timedelta(days=1)
    remaining = days
    while remaining:
        moment += timedelta(days=1)
        if moment.weekday() < SATURDAY:
            remaining -= 1
    return moment
