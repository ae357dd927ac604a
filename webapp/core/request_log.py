"""One JSON line per request, with a request id that follows the work it starts (jobs included)."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from flask import Flask, g, has_request_context, request, session
from werkzeug.wrappers import Response

log = logging.getLogger("webapp.requests")
HEADER = "X-Request-ID"
_FINE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# The id of the request whose work runs now outside it (a job it queued), set by the job runner.
_carried: ContextVar[str | None] = ContextVar("carried_request_id", default=None)


def request_id() -> str | None:
    """The current request's id, or that of the request that queued the running job (else None)."""
    if has_request_context() and "request_id" in g:
        return str(g.request_id)
    return _carried.get()


@contextmanager
def carrying(given: str | None) -> Iterator[None]:
    """Run the block as work of the request `given` (a job it queued): `request_id()` answers it."""
    token = _carried.set(given if given and _FINE_ID.fullmatch(given) else None)
    try:
        yield
    finally:
        _carried.reset(token)


def log_event(event: str, **fields: Any) -> None:
    """Write one JSON line (a request, a job) at INFO."""
    log.info(json.dumps({"event": event, "ts": round(time.time(), 3), **fields}, default=str))


def _start() -> None:
    given = request.headers.get(HEADER, "")
    g.request_id = given if _FINE_ID.fullmatch(given) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _finish(response: Response) -> Response:
    response.headers[HEADER] = g.get("request_id", "")
    # From the session, not current_user: after the commit its attributes are expired, and reading
    # them would open a new transaction (on SQLite, a POST's takes the write lock) just to log.
    user = session.get("_user_id")
    started = g.get("request_started", time.perf_counter())
    log_event(
        "request",
        request_id=g.get("request_id"),
        method=request.method,
        path=request.path,
        status=response.status_code,
        ms=round((time.perf_counter() - started) * 1000, 1),
        user=user,
    )
    return response


def init_app(app: Flask) -> None:
    """Log every request as a JSON line; on stderr unless the process configured logging itself."""
    app.before_request(_start)
    app.after_request(_finish)
    log.setLevel(logging.INFO)
    if not app.testing and not log.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        # Bare JSON lines only: a root handler set up later (Celery's worker does) would repeat
        # each line with its own prefix.
        log.propagate = False
