"""Liveness and readiness for load balancers and orchestrators: /healthz and /readyz.

`/healthz` answers while the process serves requests; `/readyz` also checks what a request
needs: the database, its migrations, the evidence storage, and whatever features register
(the job broker).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from werkzeug.wrappers import Response

from media import LocalDiskStorage, S3Storage
from webapp.core.extensions import db
from webapp.core.storage import storage

bp = Blueprint("health", __name__)

Check = Callable[[], None]  # raises, with a message saying what is wrong
_checks: dict[str, Check] = {}


def readiness_check(name: str) -> Callable[[Check], Check]:
    """Register the decorated function as one of /readyz's checks."""

    def register(check: Check) -> Check:
        _checks[name] = check
        return check

    return register


@readiness_check("database")
def _database() -> None:
    db.session.execute(text("SELECT 1"))


def _migrations_folder() -> Path:
    folder = Path(current_app.extensions["migrate"].directory)
    return folder if folder.is_absolute() else Path(current_app.root_path).parent / folder


@readiness_check("migrations")
def _migrations() -> None:
    scripts = ScriptDirectory.from_config(_alembic_config())
    with db.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    if current != scripts.get_current_head():
        raise RuntimeError(f"database at {current or 'no revision'}, code at {scripts.get_current_head()}")


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(_migrations_folder()))
    return config


@readiness_check("storage")
def _storage() -> None:
    """The bucket answers (a missing one answers a HEAD for a key with 404, like a missing key),
    or the media folder is a folder this process may write in."""
    backend = storage()
    if isinstance(backend, S3Storage):
        backend.client.head_bucket(Bucket=backend.bucket)
    elif isinstance(backend, LocalDiskStorage):
        if not backend.root.is_dir() or not os.access(backend.root, os.W_OK | os.X_OK):
            raise RuntimeError(f"{backend.root} is not a folder this process can write in")
    else:
        backend.exists("readyz/probe")


@bp.get("/healthz")
def healthz() -> Response:
    """The process is up and serving."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> Response:
    """Every check in a few words; 503 when any fails, so traffic goes elsewhere."""
    results: dict[str, str] = {}
    for name, check in _checks.items():
        try:
            check()
            results[name] = "ok"
        except Exception as problem:  # a check says what is wrong; it never crashes the probe
            results[name] = f"failing: {problem}"[:300]
            db.session.rollback()
    ready = all(result == "ok" for result in results.values())
    response = jsonify(status="ready" if ready else "not ready", checks=results)
    response.status_code = 200 if ready else 503
    return response
