"""H3: time is said one way on every page (and app.js mirrors it): left, due now, or overdue by."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import force_locale

from webapp.core import i18n
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


@pytest.fixture(scope="module")
def babel_app() -> Flask:
    """A bare Flask app with the catalogues: enough for gettext, no database."""
    app = Flask(__name__)
    i18n.init_app(app)
    return app


@pytest.mark.parametrize(
    ("delta", "words"),
    [
        (timedelta(days=1, hours=2, minutes=3), "осталось 1 день 2 ч 3 мин"),
        (timedelta(days=2, minutes=1), "осталось 2 дня 0 ч 1 мин"),
        (timedelta(days=5), "осталось 5 дней 0 ч 0 мин"),
        (timedelta(days=11), "осталось 11 дней 0 ч 0 мин"),
        (timedelta(days=21), "осталось 21 день 0 ч 0 мин"),
        (timedelta(days=22), "осталось 22 дня 0 ч 0 мин"),
        (timedelta(hours=2), "осталось 2 ч 0 мин"),
        (timedelta(seconds=30), "срок наступил"),
        (timedelta(days=-3, hours=-4), "просрочено на 3 дня 4 ч 0 мин"),
    ],
)
def test_h3_time_is_said_in_russian_with_its_plural_forms(
    babel_app: Flask, delta: timedelta, words: str
) -> None:
    with babel_app.app_context(), force_locale("ru"):
        assert time_left(delta) == words


def test_h3_english_stays_as_it_was_inside_the_app(babel_app: Flask) -> None:
    with babel_app.app_context(), force_locale("en"):
        assert time_left(timedelta(days=4, hours=23, minutes=5)) == "4 days 23 h 5 min left"
        assert time_left(timedelta(days=1, minutes=1)) == "1 day 0 h 1 min left"


def _as_the_browser_says(words: dict, seconds: int) -> str:
    """app.js's countdown, step for step, from the words the page gives it (plural tag by Babel's rule)."""
    from babel import Locale

    rule = Locale.parse(words["lang"]).plural_form

    def duration(s: int) -> str:
        days, hours, minutes = s // 86400, (s % 86400) // 3600, (s % 3600) // 60
        day = words["days"][rule(days)].replace("{n}", str(days)) + " " if days else ""
        return (
            day
            + words["hours"].replace("{n}", str(hours))
            + " "
            + words["minutes"].replace("{n}", str(minutes))
        )

    if seconds >= 60:
        return words["left"].replace("{time}", duration(seconds))
    if seconds > -60:
        return words["due"]
    return words["overdue"].replace("{time}", duration(-seconds))


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize(
    "delta",
    [
        timedelta(days=1, hours=2),
        timedelta(days=22, minutes=5),
        timedelta(days=5),
        timedelta(hours=3),
        timedelta(seconds=20),
        timedelta(days=-2, hours=-1),
    ],
)
def test_h3_the_browsers_countdown_says_what_the_server_says(
    babel_app: Flask, language: str, delta: timedelta
) -> None:
    from webapp.core.formatting import countdown_words

    with babel_app.test_request_context(), force_locale(language):
        assert _as_the_browser_says(countdown_words(), int(delta.total_seconds())) == time_left(delta)
