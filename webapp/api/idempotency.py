"""`Idempotency-Key` on every POST: the same key and body within 24 h get the first answer again.

The answer is stored in the same transaction as what the request did, so a request that failed
stored nothing and may be sent again; the same key with another body is refused (422).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any

from flask import current_app, request
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.wrappers import Response

from webapp.api.problems import problem
from webapp.core import clock
from webapp.core.clock import clock_now
from webapp.core.db import UTCDateTime
from webapp.core.duties import every_minute
from webapp.core.extensions import Model, db
from webapp.core.refusals import Conflict

HEADER = "Idempotency-Key"
KEPT_FOR = timedelta(hours=24)
KEY_MAX = 255
FORGET_BATCH = 1000


class IdempotentAnswer(Model):
    """The first answer to a POST sent with an Idempotency-Key, per marketplace and key."""

    __tablename__ = "idempotent_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    marketplace_id: Mapped[int] = mapped_column(ForeignKey("marketplaces.id"))
    key: Mapped[str] = mapped_column(String(KEY_MAX))
    fingerprint: Mapped[str] = mapped_column(String(64))  # method, path and body
    status: Mapped[int]
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    __table_args__ = (UniqueConstraint("marketplace_id", "key", name="uq_idempotent_answers_key"),)


@every_minute(order=50, done="idempotent answer(s) forgotten")
def forget_old_answers() -> int:
    """Delete the answers kept longer than 24 h (a batch a minute); return how many."""
    cutoff = clock_now(db.session) - KEPT_FOR
    old = select(IdempotentAnswer.id).where(IdempotentAnswer.created_at <= cutoff).limit(FORGET_BATCH)
    ids = list(db.session.scalars(old))
    if ids:
        db.session.execute(delete(IdempotentAnswer).where(IdempotentAnswer.id.in_(ids)))
    db.session.commit()
    return len(ids)


def _fingerprint() -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def _replay(found: IdempotentAnswer) -> Response:
    response = Response(found.body, status=found.status, mimetype="application/json")
    response.headers["Idempotent-Replayed"] = "true"
    return response


def idempotent(marketplace_id: Callable[[], int]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a POST view (below its auth): answer a repeated key from the stored first answer."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            key = request.headers.get(HEADER)
            if key is None:
                return view(*args, **kwargs)
            if not key.strip() or len(key) > KEY_MAX:
                return problem(422, f"{HEADER} must be 1 to {KEY_MAX} characters.", kind="invalid")
            owner, now, fingerprint = marketplace_id(), clock.now(), _fingerprint()
            found = db.session.scalar(
                select(IdempotentAnswer).where(
                    IdempotentAnswer.marketplace_id == owner,
                    IdempotentAnswer.key == key,
                    IdempotentAnswer.created_at > now - KEPT_FOR,
                )
            )
            if found is not None:
                if found.fingerprint != fingerprint:
                    return problem(
                        422,
                        f"This {HEADER} was used within 24 hours for another request (another body "
                        "or path): use a new key for a new request.",
                        kind="idempotency-key-reused",
                    )
                return _replay(found)
            response = current_app.make_response(view(*args, **kwargs))
            if response.status_code < 400:
                _store(owner, key, fingerprint, response, now)
            return response

        return wrapper

    return decorator


def _store(owner: int, key: str, fingerprint: str, response: Response, now: datetime) -> None:
    """Keep the answer in the request's transaction; an expired answer with the key makes way."""
    db.session.execute(
        delete(IdempotentAnswer).where(IdempotentAnswer.marketplace_id == owner, IdempotentAnswer.key == key)
    )
    answer = IdempotentAnswer(
        marketplace_id=owner,
        key=key,
        fingerprint=fingerprint,
        status=response.status_code,
        body=response.get_data(as_text=True),
        created_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(answer)
    except IntegrityError:
        raise Conflict(f"Another request with this {HEADER} is being handled; send it again.") from None
