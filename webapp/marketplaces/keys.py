"""API keys: a public key id and a secret of which only a salted hash is kept, with scopes.

A marketplace has at most two active keys, so it can roll a new one out before revoking the old.
A revoked key fails from the next request on: every request reads the key's row.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.core.db import UTCDateTime
from webapp.core.extensions import Model, db
from webapp.marketplaces.models import Marketplace

SCOPES = ("orders:write", "disputes:read", "disputes:write", "refunds:write", "webhooks:manage")
MAX_ACTIVE = 2
PREFIX = "dk"
# Writing last_used_at on every request would turn each read into a write: once a minute is enough.
LAST_USED_EVERY = timedelta(minutes=1)


class KeyRefused(ValueError):
    """A key cannot be issued (too many active, unknown scope)."""


class ApiKey(Model):
    """One API key of a marketplace: its id, the hash of its secret, its scopes and its use."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    marketplace_id: Mapped[int] = mapped_column(ForeignKey("marketplaces.id"), index=True)
    key_id: Mapped[str] = mapped_column(String(32), unique=True)
    salt: Mapped[str] = mapped_column(String(32))
    secret_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[str] = mapped_column(String(200))  # space-separated
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    marketplace: Mapped[Marketplace] = relationship(lazy="joined")

    @property
    def scope_set(self) -> frozenset[str]:
        """The scopes this key grants."""
        return frozenset(self.scopes.split())


def _digest(salt: str, secret: str) -> str:
    return hmac.new(salt.encode(), secret.encode(), hashlib.sha256).hexdigest()


def active_keys(marketplace_id: int) -> list[ApiKey]:
    """The marketplace's keys that still work, oldest first."""
    return list(
        db.session.scalars(
            select(ApiKey)
            .where(ApiKey.marketplace_id == marketplace_id, ApiKey.revoked_at.is_(None))
            .order_by(ApiKey.id)
        )
    )


def issue_key(
    marketplace: Marketplace, now: datetime, scopes: tuple[str, ...] = SCOPES
) -> tuple[ApiKey, str]:
    """A new key and its full token (shown once; only a hash of the secret is kept)."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise KeyRefused(f"Unknown scope(s): {', '.join(unknown)}. Known: {', '.join(SCOPES)}.")
    if len(active_keys(marketplace.id)) >= MAX_ACTIVE:
        raise KeyRefused(f"{marketplace.name} already has {MAX_ACTIVE} active keys: revoke one first.")
    key_id, secret, salt = secrets.token_hex(8), secrets.token_urlsafe(32), secrets.token_hex(16)
    key = ApiKey(
        marketplace_id=marketplace.id,
        key_id=key_id,
        salt=salt,
        secret_hash=_digest(salt, secret),
        scopes=" ".join(s for s in SCOPES if s in scopes),
        created_at=now,
    )
    db.session.add(key)
    db.session.flush()
    return key, f"{PREFIX}_{key_id}_{secret}"


def authenticate(token: str, now: datetime) -> ApiKey | None:
    """The active key this token is, or None; records when it was last used (at most once a minute)."""
    prefix, _, rest = token.strip().partition("_")
    key_id, _, secret = rest.partition("_")
    if prefix != PREFIX or not key_id or not secret:
        return None
    key = db.session.scalar(select(ApiKey).where(ApiKey.key_id == key_id, ApiKey.revoked_at.is_(None)))
    if key is None or not hmac.compare_digest(key.secret_hash, _digest(key.salt, secret)):
        return None
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_EVERY:
        # A plain conditional UPDATE: concurrent requests neither conflict nor move it backwards.
        stale = or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at < now - LAST_USED_EVERY)
        db.session.execute(
            update(ApiKey)
            .where(ApiKey.id == key.id, stale)
            .values(last_used_at=now)
            .execution_options(synchronize_session=False)
        )
    return key


def revoke(key_id: str, now: datetime) -> ApiKey | None:
    """Revoke a key by its id; it fails from the next request on. None when unknown."""
    key = db.session.scalar(select(ApiKey).where(ApiKey.key_id == key_id))
    if key is not None and key.revoked_at is None:
        key.revoked_at = now
    return key
