"""What every process that runs jobs does at start and then periodically: put right what crashed ones left.

Features register their part with `@on_worker_start(...)` (evidence: queue again the items whose
worker died, discard the originals of uploads whose web process was killed); this module knows no
feature, and itself removes the scratch folders of jobs whose process died. `start(app)` runs it
once and then every JOB_STALE_AFTER_SECONDS / 2 in a thread: the inline pool starts it with the
pool, the Celery worker when it is ready, the server entry point (`webapp.serve`) at start, so
neither a clock process nor `disputes tick` is needed for a crash to be recovered.

The processes of one host take turns through a lock file in TMP_DIR: one runs the recovery while
the others skip, and a periodic run is skipped when another process of the host did it within the
period, so several workers never stampede the database.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from flask import Flask

from webapp.jobs import workspace

log = logging.getLogger(__name__)

RecoveryFunction = Callable[[], int]
F = TypeVar("F", bound=Callable[..., int])
_recoveries: dict[str, tuple[str, RecoveryFunction]] = {}
_EXTENSION = "job_recovery"  # app.extensions key: (thread, stop event)
_TURN_FILE = "recovery.lock"


def on_worker_start(done: str) -> Callable[[F], F]:
    """Register the decorated function (no arguments, returns a count; `done` says of what) for recovery."""

    def register(function: F) -> F:
        _recoveries[f"{function.__module__}.{function.__qualname__}"] = (done, function)
        return function

    return register


def period(app: Flask) -> float:
    """Seconds between two recoveries: half the silence after which a job is taken for dead."""
    return float(app.config["JOB_STALE_AFTER_SECONDS"]) / 2


def recover(app: Flask, *, at_start: bool = False) -> bool:
    """Run every recovery once (each in its own try) unless it is another process's turn; say if it ran."""
    with _turn(app, at_start=at_start) as mine:
        if not mine:
            return False
        steps: list[tuple[str, RecoveryFunction]] = [
            ("abandoned job folder(s) removed", workspace.remove_abandoned),
            *_recoveries.values(),
        ]
        for done, function in steps:
            try:
                with app.app_context():
                    count = function()
            except Exception:  # the database may be down: the next round retries
                log.exception("recovery failed: %s", done)
                continue
            if count:
                log.info("recovery: %s %s", count, done)
    return True


def start(app: Flask) -> threading.Thread:
    """Recover now and then every period, in a daemon thread of this process (once per app)."""
    running = app.extensions.get(_EXTENSION)
    if running is not None:
        return running[0]
    stop = threading.Event()

    def loop() -> None:
        at_start = True
        while True:
            try:
                recover(app, at_start=at_start)
            except Exception:  # e.g. TMP_DIR not writable: say so, and keep trying
                log.exception("the recovery round failed")
            at_start = False
            if stop.wait(period(app)):
                return

    thread = threading.Thread(target=loop, name="job-recovery", daemon=True)
    app.extensions[_EXTENSION] = (thread, stop)
    thread.start()
    return thread


def stop(app: Flask, timeout: float = 30.0) -> None:
    """Stop the recovery thread after its current round (worker shutdown, tests)."""
    running = app.extensions.pop(_EXTENSION, None)
    if running is not None:
        thread, stopping = running
        stopping.set()
        if thread is not threading.current_thread():
            thread.join(timeout)


@contextlib.contextmanager
def _turn(app: Flask, *, at_start: bool) -> Iterator[bool]:
    """Whether this process may recover now: no other on the host is, and (periodically) none just did."""
    root = Path(app.config["TMP_DIR"])
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / _TURN_FILE, os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        last_run = os.fstat(fd).st_mtime
        if not at_start and time.time() - last_run < period(app) * 0.9:
            yield False
            return
        yield True
        os.utime(fd)
    finally:
        os.close(fd)
