"""One way of saying time everywhere: "2 days 3 h 5 min left", "due now", "overdue by 4 h 10 min".

`webapp/static/js/app.js` says it the same way when it counts down in the browser.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask


def duration(seconds: int) -> str:
    """`2 days 3 h 5 min` (minutes always, days only when there are some)."""
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    lead = f"{days} day{'s' if days != 1 else ''} " if days else ""
    return f"{lead}{hours} h {rest // 60} min"


def time_left(delta: timedelta) -> str:
    """How long until a deadline, or how long ago it passed, in the words every page uses."""
    seconds = int(delta.total_seconds())
    if seconds >= 60:
        return f"{duration(seconds)} left"
    if seconds > -60:
        return "due now"
    return f"overdue by {duration(-seconds)}"


def register(app: Flask) -> None:
    """Make the wording a template filter: `{{ delta|time_left }}`."""
    app.add_template_filter(time_left, "time_left")
