"""One way of saying time everywhere: "2 days 3 h 5 min left", "due now", "overdue by 4 h 10 min".

`webapp/static/js/app.js` says it the same way (in English) when it counts down in the browser.
Other languages come from the catalogue, with their own plural forms ("1 день", "2 дня", "5 дней").
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask_babel import gettext, ngettext


def duration(seconds: int) -> str:
    """`2 days 3 h 5 min` (minutes always, days only when there are some)."""
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    clock = gettext("%(hours)s h %(minutes)s min", hours=hours, minutes=rest // 60)
    if not days:
        return clock
    return ngettext("%(num)s day", "%(num)s days", days) + " " + clock


def time_left(delta: timedelta) -> str:
    """How long until a deadline, or how long ago it passed, in the words every page uses."""
    seconds = int(delta.total_seconds())
    if seconds >= 60:
        return gettext("%(duration)s left", duration=duration(seconds))
    if seconds > -60:
        return gettext("due now")
    return gettext("overdue by %(duration)s", duration=duration(-seconds))


def register(app: Flask) -> None:
    """Make the wording a template filter: `{{ delta|time_left }}`."""
    app.add_template_filter(time_left, "time_left")
