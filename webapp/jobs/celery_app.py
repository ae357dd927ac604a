"""Celery for the registered jobs; the worker process itself is `celery -A webapp.worker worker`.

Web processes with JOBS=celery only send tasks: `task(app, name)` builds a Celery app from the
Flask app they already have.

Delivery is at least once: acks_late keeps a message until its job has finished, and the job
itself is idempotent. On Redis a message whose worker died comes back only after the visibility
timeout (an hour); the sweep re-queues the item much sooner, once its heartbeat is stale.
"""

from __future__ import annotations

from celery import Celery, Task
from flask import Flask

from webapp.jobs.queue import JOBS, run_logged

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

    for name in JOBS:
        _register_task(celery, flask_app, name)
    flask_app.extensions[_KEY] = celery
    return celery


def _register_task(celery: Celery, flask_app: Flask, name: str) -> None:
    @celery.task(name=name, shared=False)  # bound to this Flask app, not added to every Celery app
    def run(item_id: int, request_id: str | None = None) -> str:
        """Run the job in an app context; the message carries the row's id and the queuing request's id."""
        with flask_app.app_context():
            return str(run_logged(name, int(item_id), request_id))


def task(flask_app: Flask, name: str) -> Task:
    """The job `name` as a task of this Flask app's Celery app, ready for `apply_async((item_id,))`."""
    return celery_for(flask_app).tasks[name]
