"""H3: time is said one way on every page (and app.js mirrors it): left, due now, or overdue by."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from webapp.core.wording import time_left

APP_JS = Path(__file__).resolve().parents[2] / "webapp" / "static" / "js" / "app.js"


@pytest.mark.parametrize(
    ("delta", "words"),
    [
        (timedelta(days=4, hours=23, minutes=5, seconds=59), "4 days 23 h 5 min left"),
        (timedelta(days=1, minutes=1), "1 day 0 h 1 min left"),
        (timedelta(hours=2), "2 h 0 min left"),
        (timedelta(seconds=59), "due now"),
        (timedelta(seconds=-59), "due now"),
        (timedelta(hours=-5, minutes=-10), "overdue by 5 h 10 min"),
        (timedelta(days=-3), "overdue by 3 days 0 h 0 min"),
    ],
)
def test_h3_a_deadline_is_said_as_time_left_due_now_or_overdue_by(delta: timedelta, words: str) -> None:
    assert time_left(delta) == words


def test_h3_the_browsers_countdown_uses_the_same_words() -> None:
    """app.js says it with the words the page gives it (in the page's language), English when none."""
    script = APP_JS.read_text()
    assert "countdownWords" in script
    for words in (
        '"{n} day"',
        '"{n} days"',
        '"{n} h"',
        '"{n} min"',
        '"{time} left"',
        '"due now"',
        '"overdue by {time}"',
    ):
        assert words in script, words
