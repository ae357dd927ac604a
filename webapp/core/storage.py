"""The app's evidence storage: local disk by default, S3-compatible when S3_BUCKET is set.

Objects stored for rows of a transaction go through `put_for_transaction`: if that transaction
does not commit (a refusal, an error, a lost race), they are discarded with it, so no stored
object is ever left without the row that names it.
"""

from __future__ import annotations

import logging
from typing import IO

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from media import Storage, StoredObject, storage_from_settings
from webapp.core.extensions import db

log = logging.getLogger(__name__)
_KEY = "evidence_storage"
_UNCOMMITTED = "objects_stored_uncommitted"  # Session.info: (storage, key) of this transaction
_HOOKED = "objects_stored_hooked"


def init_app(app: Flask) -> None:
    """Create the storage backend this app keeps its evidence in."""
    settings = {k: str(v) for k, v in app.config.items() if isinstance(v, str | int) and k.isupper()}
    app.extensions[_KEY] = storage_from_settings(settings)


def storage() -> Storage:
    """The current app's storage backend."""
    return current_app.extensions[_KEY]


def put_for_transaction(
    key: str, stream: IO[bytes], *, content_type: str, max_bytes: int | None = None
) -> StoredObject:
    """Store an object that rows of the current transaction refer to; discarded unless it commits."""
    backend = storage()
    stored = backend.put(key, stream, content_type=content_type, max_bytes=max_bytes)
    # The Session itself, not the scoped_session: a listener on that would be on every session.
    session = db.session()
    session.info.setdefault(_UNCOMMITTED, []).append((backend, key))
    if not session.info.get(_HOOKED):
        session.info[_HOOKED] = True
        event.listen(session, "after_commit", _keep)
        event.listen(session, "after_transaction_end", _discard_unless_committed)
    return stored


def _keep(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT was released (SQLAlchemy calls this hook then too): wait for the COMMIT
    session.info.pop(_UNCOMMITTED, None)


def _discard_unless_committed(session: Session, transaction: SessionTransaction) -> None:
    """The outermost transaction ended without a commit (rollback, close): its objects go too."""
    if transaction.parent is not None:
        return
    for backend, key in session.info.pop(_UNCOMMITTED, []):
        try:
            backend.discard(key)
        except Exception:  # the request's own error matters more; this one is logged
            log.exception("could not discard %s, stored by a transaction that did not commit", key)
