"""Hand committed rows to their job, as the JOBS setting says: eager, inline or celery.

- eager (tests): run right after the commit, synchronously, in a fresh app context.
- inline (the embedded default): a bounded thread pool per app; delayed retries on a timer.
- celery (production): a task on the broker; workers run it (`webapp.worker`).

A job is a function of one row id, registered under a name by the feature that owns the rows
(`@job("evidence.process")`); this module knows no feature. Every job may run twice or be lost:
it must claim its row atomically, and its feature sweeps up what was lost or left behind.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from webapp.core.extensions import db
from webapp.core.health import readiness_check
from webapp.core.request_log import carrying, log_event, request_id
from webapp.jobs import recovery

log = logging.getLogger(__name__)

_PENDING = "jobs_pending"  # Session.info key: (job, id) pairs waiting for the commit
_HOOKED = "jobs_hooked"
_POOL = "job_pool"  # app.extensions key
_POOL_LOCK = threading.Lock()
# A countdown is measured on the enqueuer's clock and the claim on the worker's: arrive a bit late
# rather than a bit early (an early job finds the backoff not over yet and does nothing).
COUNTDOWN_MARGIN_SECONDS = 1.0


BROKER_TIMEOUT_SECONDS = 2.0


@readiness_check("broker")
def broker_reachable() -> None:
    """With JOBS=celery, the broker answers (jobs would pile up in the sweep otherwise)."""
    app = current_app
    if app.config["JOBS"] != "celery":
        return
    from kombu.connection import Connection  # Celery's transport library, present wherever Celery is

    # kombu ships no annotations for Connection's constructor.
    broker = Connection(app.config["BROKER_URL"], connect_timeout=BROKER_TIMEOUT_SECONDS)  # type: ignore[no-untyped-call]
    with broker as connection:
        connection.ensure_connection(max_retries=1)


JobFunction = Callable[[int], Any]
JOBS: dict[str, JobFunction] = {}


def job(name: str) -> Callable[[JobFunction], JobFunction]:
    """Register the decorated function as the job `name`, run with one row id."""

    def register(function: JobFunction) -> JobFunction:
        JOBS[name] = function
        return function

    return register


def enqueue(name: str, item_id: int, *, delay: float = 0) -> None:
    """Queue the job `name` for one committed row, `delay` seconds from now.

    The job carries the id of the request that queued it (or of the job that queued it again).
    """
    if name not in JOBS:
        raise LookupError(f"no job named {name!r}")
    # current_app is typed as the Flask app itself, not as the proxy that it is.
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    mode = app.config["JOBS"]
    carried = request_id()
    if mode == "celery":
        from webapp.jobs.celery_app import task  # Celery stays out of non-celery processes

        countdown = delay + COUNTDOWN_MARGIN_SECONDS if delay > 0 else None
        task(app, name).apply_async((item_id,), {"request_id": carried}, countdown=countdown)
    elif mode == "inline":
        if delay > 0:
            timer = threading.Timer(delay + COUNTDOWN_MARGIN_SECONDS, _submit, (app, name, item_id, carried))
            timer.daemon = True  # a lost timer is fine: the feature's sweep queues the row again
            timer.start()
        else:
            _submit(app, name, item_id, carried)
    elif delay > 0:
        # eager: a test never sleeps through a backoff; it runs the job (or the sweep) itself.
        log.debug("eager jobs: %s %s retries when the sweep or a test runs it", name, item_id)
    else:
        run_isolated(app, name, item_id, carried)


def enqueue_after_commit(name: str, item_ids: list[int]) -> None:
    """Queue the job for these rows once the current transaction commits; forget them on rollback."""
    if not item_ids:
        return
    # The Session itself, not the scoped_session: a listener on the scoped_session would be
    # installed on its sessionmaker, i.e. on every session of every app context.
    session = db.session()
    session.info.setdefault(_PENDING, []).extend((name, item_id) for item_id in item_ids)
    if not session.info.get(_HOOKED):
        session.info[_HOOKED] = True
        event.listen(session, "after_commit", _after_commit)
        event.listen(session, "after_transaction_end", _after_transaction_end)


def _after_commit(session: Session) -> None:
    """The rows are committed: dispatch what this transaction queued."""
    if session.in_nested_transaction():
        return  # a SAVEPOINT was released (SQLAlchemy calls this hook then too): wait for the real COMMIT
    pending = session.info.pop(_PENDING, [])
    # after_commit runs inside Session.commit(), after the database COMMIT: this session cannot
    # emit SQL here. Eager jobs therefore run in a fresh app context, whose scoped session (and
    # connection) is not this one; this session's objects were expired by the commit, so the
    # caller reads the job's result on its next access.
    for name, item_id in dict.fromkeys(pending):
        try:
            enqueue(name, item_id)
        except Exception:  # the broker may be down: the feature's sweep queues the row later
            log.exception("could not queue %s %s; the sweep will", name, item_id)


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    """The outermost transaction ended without a commit (rollback, close): drop its ids."""
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def run_logged(name: str, item_id: int, carried: str | None) -> Any:
    """Run the job `name` in the current app context as work of the request `carried`.

    Writes one JSON line when it ends: name, id, outcome (what the job returned, or the error it
    raised), duration and request id. Errors are raised again for the caller to handle.
    """
    started = time.perf_counter()
    outcome = "error"
    with carrying(carried):
        try:
            result = JOBS[name](item_id)
            outcome = str(result)
            return result
        except Exception as error:
            outcome = f"error: {type(error).__name__}"
            raise
        finally:
            log_event(
                "job",
                request_id=request_id(),
                job=name,
                id=item_id,
                outcome=outcome,
                ms=round((time.perf_counter() - started) * 1000, 1),
            )


def run_isolated(app: Flask, name: str, item_id: int, carried: str | None = None) -> None:
    """Run one job now in its own app context (its own session); log any error instead of raising."""
    try:
        with app.app_context():
            run_logged(name, item_id, carried)
    except Exception:
        log.exception("job %s %s failed", name, item_id)


def _submit(app: Flask, name: str, item_id: int, carried: str | None) -> None:
    pool(app).submit(run_isolated, app, name, item_id, carried)


def pool(app: Flask) -> ThreadPoolExecutor:
    """The app's in-process job pool (inline mode), created on first use with its recovery thread."""
    with _POOL_LOCK:
        executor = app.extensions.get(_POOL)
        if executor is None:
            executor = ThreadPoolExecutor(
                max_workers=max(1, int(app.config["JOB_THREADS"])), thread_name_prefix="job"
            )
            app.extensions[_POOL] = executor
            # A process that runs jobs also recovers what crashed ones left (recovery.py).
            recovery.start(app)
        return executor


def shutdown(app: Flask, *, wait: bool = True) -> None:
    """Stop the app's in-process pool and its recovery, waiting for running jobs when `wait`."""
    recovery.stop(app)
    with _POOL_LOCK:
        executor = app.extensions.pop(_POOL, None)
    if executor is not None:
        executor.shutdown(wait=wait, cancel_futures=not wait)
