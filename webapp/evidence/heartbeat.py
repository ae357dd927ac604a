"""A claimed item's sign of life: a thread that refreshes `heartbeat_at` and writes `progress`.

Each write is its own short transaction on its own connection, so a long transcode never holds a
transaction open, and it is fenced by the claim's attempt number: a worker that was taken for dead
cannot touch the row once another worker has claimed it again.
"""

from __future__ import annotations

import logging
import threading
import time
from types import TracebackType

from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from webapp.core.clock import clock_now
from webapp.core.extensions import db
from webapp.evidence.models import EvidenceItem, ProcessingStatus

log = logging.getLogger(__name__)
# How often the thread wakes up: progress reaches the database at most this often.
TICK_SECONDS = 1.0


class Heartbeat:
    """Keeps a claimed item alive while it is processed; `progress(p)` reports how far it got."""

    def __init__(self, item_id: int, attempt: int, *, beat_every: float) -> None:
        self.item_id = item_id
        self.attempt = attempt
        self._engine: Engine = db.engine  # captured here: the thread has no app context
        self._beat_every = beat_every
        self._tick = min(TICK_SECONDS, beat_every)
        self._progress = 0
        self._written = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"evidence-{item_id}-heartbeat", daemon=True)

    def progress(self, percent: int) -> None:
        """Record progress (0-99: 100 means READY); it never goes backwards."""
        self._progress = max(self._progress, min(99, int(percent)))

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        last_beat = time.monotonic()
        while not self._stop.wait(self._tick):
            progress = self._progress
            if progress == self._written and time.monotonic() - last_beat < self._beat_every:
                continue
            try:
                self._write(progress)
            except Exception:  # a missed beat is not fatal: the next tick tries again
                log.exception("evidence item %s: could not write its heartbeat", self.item_id)
                continue
            self._written, last_beat = progress, time.monotonic()

    def _write(self, progress: int) -> None:
        with Session(self._engine) as session, session.begin():
            session.execute(
                update(EvidenceItem)
                .where(
                    EvidenceItem.id == self.item_id,
                    EvidenceItem.status == ProcessingStatus.PROCESSING,
                    EvidenceItem.attempts == self.attempt,
                )
                .values(heartbeat_at=clock_now(session), progress=progress)
                .execution_options(synchronize_session=False)
            )
