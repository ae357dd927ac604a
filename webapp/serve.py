"""The server's entry point: the app, plus the clock thread when RUN_CLOCK_THREAD is on.

`webapp.create_app()` never starts the thread, because every `flask` command builds the app
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

_EXTENSION = "dispute_clock"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app; with RUN_CLOCK_THREAD, also apply due deadlines every minute in this process."""
    app = create_base_app(test_config)
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
