"""The server's entry point: the app, its recovery, plus the clock thread when RUN_CLOCK_THREAD is on.

The recovery (webapp.jobs.recovery) runs at start and then periodically in every server process:
it queues again the items a killed process left half-done and clears what a killed upload left,
with no clock process. The test mode JOBS=eager has none.

`webapp.create_app()` starts neither thread, because every `flask` command builds the app
too, and a `flask disputes tick` with its own clock thread raced it on the same disputes.
Only servers come through here: `flask --app webapp.serve run` (scripts/run) and
`gunicorn 'webapp.serve:create_app()'` (the Procfile's `web:`). Don't run other `flask`
commands with `--app webapp.serve`.
"""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask

from webapp import create_app as create_base_app
from webapp.disputes.ticking import run_clock_thread
from webapp.jobs import recovery

_EXTENSION = "dispute_clock"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app and start its recovery; with RUN_CLOCK_THREAD, also apply due deadlines every minute."""
    app = create_base_app(test_config)
    if app.config["JOBS"] != "eager":
        recovery.start(app)
    if app.config.get("RUN_CLOCK_THREAD"):
        stop = threading.Event()
        app.extensions[_EXTENSION] = (run_clock_thread(app, stop=stop), stop)
    return app


def clock_thread(app: Flask) -> threading.Thread | None:
    """The app's clock thread, if this entry point started one."""
    started = app.extensions.get(_EXTENSION)
    return started[0] if started else None


def stop_clock_thread(app: Flask, timeout: float = 30.0) -> None:
    """Stop the clock thread after its current tick (tests; a server simply exits)."""
    started = app.extensions.pop(_EXTENSION, None)
    if started:
        thread, stop = started
        stop.set()
        thread.join(timeout)
