"""Hand committed evidence items to processing, as the JOBS setting says: eager, inline or celery.

- eager (tests): run right after the commit, synchronously, in a fresh app context.
- inline (the embedded default): a bounded thread pool per app; delayed retries on a timer.
- celery (production): a task on the broker; workers run it (`webapp.jobs.celery_app`).

Every job may run twice or be lost: `process_evidence` claims the row atomically, and the
sweep (`webapp.jobs.sweep`) queues again what was lost or left behind by a dead worker.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from webapp.core.extensions import db

log = logging.getLogger(__name__)

_PENDING = "evidence_jobs_pending"  # Session.info key: ids waiting for the commit
_HOOKED = "evidence_jobs_hooked"
_POOL = "evidence_job_pool"  # app.extensions key
_POOL_LOCK = threading.Lock()
# A countdown is measured on the enqueuer's clock and the claim on the worker's: arrive a bit late
# rather than a bit early (an early job finds the backoff not over yet and does nothing).
COUNTDOWN_MARGIN_SECONDS = 1.0


def enqueue(item_id: int, *, delay: float = 0) -> None:
    """Queue one committed item for processing, `delay` seconds from now."""
    # current_app is typed as the Flask app itself, not as the proxy that it is.
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    mode = app.config["JOBS"]
    if mode == "celery":
        from webapp.jobs.celery_app import process_task  # Celery stays out of non-celery processes

        countdown = delay + COUNTDOWN_MARGIN_SECONDS if delay > 0 else None
        process_task(app).apply_async((item_id,), countdown=countdown)
    elif mode == "inline":
        if delay > 0:
            timer = threading.Timer(delay + COUNTDOWN_MARGIN_SECONDS, _submit, (app, item_id))
            timer.daemon = True  # a lost timer is fine: the sweep queues the item again
            timer.start()
        else:
            _submit(app, item_id)
    elif delay > 0:
        # eager: a test never sleeps through a backoff; it runs the job (or the sweep) itself.
        log.debug("eager jobs: evidence item %s retries when the sweep or a test runs it", item_id)
    else:
        run_isolated(app, item_id)


def enqueue_after_commit(item_ids: list[int]) -> None:
    """Queue the items once the current transaction commits; forget them if it rolls back."""
    if not item_ids:
        return
    # The Session itself, not the scoped_session: a listener on the scoped_session would be
    # installed on its sessionmaker, i.e. on every session of every app context.
    session = db.session()
    session.info.setdefault(_PENDING, []).extend(item_ids)
    if not session.info.get(_HOOKED):
        session.info[_HOOKED] = True
        event.listen(session, "after_commit", _after_commit)
        event.listen(session, "after_transaction_end", _after_transaction_end)


def _after_commit(session: Session) -> None:
    """The rows are committed: dispatch what this transaction queued."""
    if session.in_nested_transaction():
        return  # a SAVEPOINT was released (SQLAlchemy calls this hook then too): wait for the real COMMIT
    item_ids = session.info.pop(_PENDING, [])
    # after_commit runs inside Session.commit(), after the database COMMIT: this session cannot
    # emit SQL here. Eager jobs therefore run in a fresh app context, whose scoped session (and
    # connection) is not this one; this session's objects were expired by the commit, so the
    # caller reads the job's result on its next access.
    for item_id in dict.fromkeys(item_ids):
        try:
            enqueue(item_id)
        except Exception:  # the broker may be down: the sweep queues the item later
            log.exception("could not queue evidence item %s; the sweep will", item_id)


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    """The outermost transaction ended without a commit (rollback, close): drop its ids."""
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def run_isolated(app: Flask, item_id: int) -> None:
    """Run one job now in its own app context (its own session); log any error instead of raising."""
    from webapp.evidence.processing import process_evidence

    try:
        with app.app_context():
            process_evidence(item_id)
    except Exception:
        log.exception("processing evidence item %s failed", item_id)


def _submit(app: Flask, item_id: int) -> None:
    pool(app).submit(run_isolated, app, item_id)


def pool(app: Flask) -> ThreadPoolExecutor:
    """The app's in-process job pool (inline mode), created on first use."""
    with _POOL_LOCK:
        executor = app.extensions.get(_POOL)
        if executor is None:
            executor = ThreadPoolExecutor(
                max_workers=max(1, int(app.config["JOB_THREADS"])), thread_name_prefix="evidence-job"
            )
            app.extensions[_POOL] = executor
        return executor


def shutdown(app: Flask, *, wait: bool = True) -> None:
    """Stop the app's in-process pool, waiting for running jobs when `wait`."""
    with _POOL_LOCK:
        executor = app.extensions.pop(_POOL, None)
    if executor is not None:
        executor.shutdown(wait=wait, cancel_futures=not wait)
