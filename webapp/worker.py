"""The Celery worker process: `celery -A webapp.worker worker` runs the jobs every feature registered.

The worker's Flask app is created lazily, when Celery looks up `app` in this module, so importing
it never builds a second Flask app. It sits beside the app factory, above every feature. Once
ready, the worker's main process also recovers what crashed processes left (webapp.jobs.recovery),
at once and then periodically, so a killed worker's items come back without a clock process.
"""

from __future__ import annotations

import functools
from typing import Any

from celery import Celery
from celery.signals import worker_process_init, worker_ready, worker_shutdown
from flask import Flask

from webapp.core.extensions import db
from webapp.jobs import recovery
from webapp.jobs.celery_app import celery_for


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


@worker_ready.connect
def _recover_once_ready(**_: Any) -> None:
    """Recover at start and then periodically, in the main process (the pool's children run jobs)."""
    recovery.start(worker_flask_app())


@worker_shutdown.connect
def _stop_recovering(**_: Any) -> None:
    recovery.stop(worker_flask_app())


def __getattr__(name: str) -> Celery:
    # `celery -A webapp.worker` looks for `app` (then `celery`) in this module.
    if name in ("app", "celery"):
        return worker_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
