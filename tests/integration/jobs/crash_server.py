"""The real server (webapp.serve) for the crash tests, able to stop an upload where the test kills it.

`flask --app crash_server run` with PAUSE_AT set holds the first evidence upload at one point,
writes PAUSED_FILE to say so, and waits there for the test's SIGKILL:

- staging: the original is half received, straight into local disk's staging folder;
- stored: the original is stored, its row not committed yet;
- committed: the row is committed, its processing job not queued yet.

Without PAUSE_AT it is the plain server. CSRF is off (the test posts like a script), and an
upload counts as lost after 1 s instead of 10, to keep the test short.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from flask import Flask

import webapp.evidence.sweep
import webapp.jobs.queue
from media.local_disk import LocalDiskStorage
from media.receiving import ReceivedFile
from webapp import serve


def create_app() -> Flask:
    """The server as `scripts/run` starts it, plus the pause the test asked for."""
    webapp.evidence.sweep.LOST_AFTER_SECONDS = 1.0
    pause_at = os.environ.get("PAUSE_AT", "")
    if pause_at:
        PAUSES[pause_at]()
    return serve.create_app({"WTF_CSRF_ENABLED": False})


def _pause_here() -> None:
    Path(os.environ["PAUSED_FILE"]).write_text("paused")
    threading.Event().wait()  # until the test kills this process


def _in_staging() -> None:
    real_write = ReceivedFile.write

    def write_then_pause(self: ReceivedFile, data: Any) -> int:
        written = real_write(self, data)
        if self.size >= 64 * 1024:  # the parser's first chunks are on disk, the rest still to come
            _pause_here()
        return written

    ReceivedFile.write = write_then_pause  # type: ignore[method-assign]


def _once_stored() -> None:
    real_put = LocalDiskStorage.put

    def put_then_pause(self: LocalDiskStorage, key: str, *args: Any, **kwargs: Any) -> Any:
        stored = real_put(self, key, *args, **kwargs)
        if key.endswith("/original"):
            _pause_here()
        return stored

    LocalDiskStorage.put = put_then_pause  # type: ignore[method-assign]


def _once_committed() -> None:
    real_after_commit = webapp.jobs.queue._after_commit

    def pause_before_dispatch(session: Any) -> None:
        if session.info.get(webapp.jobs.queue._PENDING) and not session.in_nested_transaction():
            _pause_here()
        real_after_commit(session)

    webapp.jobs.queue._after_commit = pause_before_dispatch  # type: ignore[assignment]


PAUSES = {"staging": _in_staging, "stored": _once_stored, "committed": _once_committed}
