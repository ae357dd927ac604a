"""SQLite transactions that lock like the pipeline expects: `BEGIN IMMEDIATE` before anything is decided.

SQLite ignores `SELECT ... FOR UPDATE`, and the sqlite3 driver's legacy mode begins a transaction
only at the first INSERT/UPDATE/DELETE, so two requests could both read "refund pending" and both
pay it. Following SQLAlchemy's recipe for pysqlite, the driver's own BEGIN is switched off and
SQLAlchemy's events emit ours:

- the session of a request with an unsafe method (POST, ...) begins with `BEGIN IMMEDIATE`: it takes
  the database's write lock before its first read, so everything it reads stays true until it commits;
- everything else (page GETs, polls, jobs, the clock, the CLI, side connections such as the clock's
  offset read) reads without a transaction, each statement seeing the latest commit (as PostgreSQL's
  READ COMMITTED does), and takes the write lock with `BEGIN IMMEDIATE` just before its first locking
  read (`with_for_update`) or write.

A waiting writer waits for the lock up to the busy timeout set at connect; readers never wait (WAL).
A writer that waited longer gets a 503 saying nothing was saved, never a 500.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from flask import Flask, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, SessionTransaction
from werkzeug.exceptions import ServiceUnavailable
from werkzeug.wrappers import Response

from webapp.core.extensions import db
from webapp.core.responses import render_error

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Statements that write or open a savepoint: the write lock must be held before they run.
_WRITES = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER|SAVEPOINT)\b", re.IGNORECASE)
_BEGIN_BEFORE_WRITE = "sqlite_begin_before_write"
_GAVE_UP = "sqlite_gave_up_writing"  # in `g`: the request only reads from now on (its error page)
BUSY = (
    "Many people are changing things right now and your change had to wait too long. "
    "Nothing was saved: try again in a moment."
)


def install(app: Flask, engine: Engine) -> None:
    """Take transaction control of `engine`'s SQLite connections away from the driver."""
    event.listen(engine, "connect", _driver_never_begins)
    event.listen(engine, "begin", _begin)
    event.listen(engine, "before_cursor_execute", _lock_before_first_write)
    if not event.contains(Session, "after_begin", _lock_at_once_for_unsafe_requests):
        event.listen(Session, "after_begin", _lock_at_once_for_unsafe_requests)
    app.register_error_handler(OperationalError, _busy)


def _driver_never_begins(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    dbapi_connection.isolation_level = None  # sqlite3 still COMMITs and ROLLBACKs what we begin


def writes_from_the_start() -> bool:
    """Whether this transaction belongs to a request that changes something (an unsafe method)."""
    return has_request_context() and request.method not in SAFE_METHODS and not g.get(_GAVE_UP)


def _begin(connection: Connection) -> None:
    connection.info[_BEGIN_BEFORE_WRITE] = True


def _lock_at_once_for_unsafe_requests(
    session: Session, transaction: SessionTransaction, connection: Connection
) -> None:
    # A session, not any connection: a side connection opened in the request must not wait for it.
    if connection.info.get(_BEGIN_BEFORE_WRITE) and writes_from_the_start():
        connection.info[_BEGIN_BEFORE_WRITE] = False
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _locks_or_writes(statement: str, context: DefaultExecutionContext | None) -> bool:
    if _WRITES.match(statement):
        return True
    if context is None:
        return False
    if context.isinsert or context.isupdate or context.isdelete or context.isddl:
        return True
    compiled: Any = context.compiled
    return getattr(getattr(compiled, "statement", None), "_for_update_arg", None) is not None


def _lock_before_first_write(
    connection: Connection,
    cursor: sqlite3.Cursor,
    statement: str,
    parameters: Any,
    context: DefaultExecutionContext | None,
    executemany: bool,
) -> None:
    if connection.info.get(_BEGIN_BEFORE_WRITE) and _locks_or_writes(statement, context):
        connection.info[_BEGIN_BEFORE_WRITE] = False
        cursor.execute("BEGIN IMMEDIATE")


def _busy(error: OperationalError) -> Response:
    """The write lock was not free within the busy timeout: 503 in words instead of a 500."""
    if "database is locked" not in str(error.orig):
        raise error
    db.session.rollback()
    setattr(g, _GAVE_UP, True)  # the page only reads (the bell): it must not queue for the lock again
    return render_error(ServiceUnavailable(description=BUSY, retry_after=5))
