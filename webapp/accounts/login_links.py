"""One-click login links: a marketplace sends its buyer or seller here, logged in, for 5 minutes, once.

Only a hash of the token is kept; using it is one conditional UPDATE, so it works once even
when two clicks race.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, ForeignKey, String, select, update
from sqlalchemy.orm import Mapped, mapped_column

from webapp.accounts.models import User
from webapp.core.db import UTCDateTime
from webapp.core.extensions import Model, db

VALID_FOR = timedelta(minutes=5)


class LoginLink(Model):
    """A login link: whose, where it lands, until when, and whether it was used."""

    __tablename__ = "login_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    next_path: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_link(user: User, next_path: str, now: datetime) -> tuple[str, datetime]:
    """A new token for `user` landing on `next_path` (a path on this site); and when it expires."""
    token = secrets.token_urlsafe(32)
    expires = now + VALID_FOR
    db.session.add(
        LoginLink(
            user_id=user.id, token_hash=_hash(token), next_path=next_path, created_at=now, expires_at=expires
        )
    )
    db.session.flush()
    return token, expires


def use_link(token: str, now: datetime) -> tuple[User, str] | None:
    """The user and landing path if the token is valid now, marking it used; None otherwise."""
    hashed = _hash(token)
    used = cast(
        CursorResult[Any],
        db.session.execute(
            update(LoginLink)
            .where(LoginLink.token_hash == hashed, LoginLink.used_at.is_(None), LoginLink.expires_at > now)
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        ),
    )
    if used.rowcount != 1:
        return None
    link = db.session.scalar(select(LoginLink).where(LoginLink.token_hash == hashed))
    assert link is not None
    return db.session.get_one(User, link.user_id), link.next_path
