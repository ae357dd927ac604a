"""Celery for evidence processing: `celery -A webapp.jobs.celery_app worker` runs the jobs.

Web processes with JOBS=celery only send tasks: `process_task(app)` builds a Celery app from the
Flask app they already have. The worker's own Flask app is created lazily, when Celery looks up
`app` in this module, so importing it never builds a second Flask app.

Delivery is at least once: acks_late keeps a message until its job has finished, and the job
itself is idempotent. On Redis a message whose worker died comes back only after the visibility
timeout (an hour); the sweep re-queues the item much sooner, once its heartbeat is stale.
"""

from __future__ import annotations

import functools
from typing import Any

from celery import Celery, Task
from celery.signals import worker_process_init
from flask import Flask

from webapp.core.extensions import db
from webapp.evidence.processing import process_evidence

TASK_NAME = "evidence.process"
DEFAULT_QUEUE = "evidence"
_KEY = "celery"  # app.extensions key


def celery_for(flask_app: Flask) -> Celery:
    """The Celery app bound to this Flask app (made once): broker, reliability settings, the task."""
    existing = flask_app.extensions.get(_KEY)
    if existing is not None:
        return existing
    config = flask_app.config
    celery = Celery(flask_app.import_name, broker=config["BROKER_URL"], set_as_current=False)
    celery.conf.update(
        task_default_queue=config.get("JOB_QUEUE") or DEFAULT_QUEUE,
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        # A job is acknowledged when it ends, so a worker that dies mid-job loses nothing...
        task_acks_late=True,
        # ...also when only its pool process was killed (the OOM killer, a crash in a codec).
        task_reject_on_worker_lost=True,
        # One job at a time per process: a long transcode must not sit on messages others could run.
        worker_prefetch_multiplier=1,
        # Longer than any job (and any retry countdown), or Redis would hand it to a second worker.
        broker_transport_options={
            "visibility_timeout": int(max(3600, 2 * float(config["TRANSCODE_TIMEOUT_SECONDS"])))
        },
        broker_connection_retry_on_startup=True,
    )

    @celery.task(name=TASK_NAME)
    def process_evidence_task(item_id: int) -> str:
        """Process one evidence item in an app context; the message carries only its id."""
        with flask_app.app_context():
            return process_evidence(int(item_id)).value

    flask_app.extensions[_KEY] = celery
    return celery


def process_task(flask_app: Flask) -> Task:
    """The processing task of this Flask app's Celery app, ready for `apply_async((item_id,))`."""
    return celery_for(flask_app).tasks[TASK_NAME]


@functools.cache
def worker_flask_app() -> Flask:
    """The worker's Flask app, made from the environment."""
    from webapp import create_app

    # A worker never runs the clock, and its own retries go back to Celery whatever JOBS says.
    return create_app({"JOBS": "celery", "RUN_CLOCK_THREAD": False})


def worker_app() -> Celery:
    """The worker's Celery app."""
    return celery_for(worker_flask_app())


@worker_process_init.connect
def _fresh_connections_after_fork(**_: Any) -> None:
    """A prefork pool process must not share the pooled connections inherited from its parent."""
    with worker_flask_app().app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)


def __getattr__(name: str) -> Celery:
    # `celery -A webapp.jobs.celery_app` looks for `app` (then `celery`) in this module.
    if name in ("app", "celery"):
        return worker_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
