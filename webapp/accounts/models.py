"""The User model with its role and membership tier."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, validates
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.core import clock
from webapp.core.db import UTCDateTime, string_enum
from webapp.core.extensions import Model, db, login_manager


class Role(StrEnum):
    """What a person does on the marketplace."""

    BUYER = "buyer"
    SELLER = "seller"
    MEDIATOR = "mediator"


class MembershipTier(StrEnum):
    """Loyalty tier of a buyer or seller; some dispute policies depend on it."""

    REGULAR = "regular"
    BRONZE = "bronze"
    SILVER = "silver"
    GOLD = "gold"


class User(UserMixin, Model):
    """A buyer, seller or mediator who can log in."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    marketplace_id: Mapped[int] = mapped_column(ForeignKey("marketplaces.id"), index=True)
    # The marketplace's own id for this person (set by its API); unique within the marketplace.
    external_id: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(string_enum(Role))
    membership_tier: Mapped[MembershipTier] = mapped_column(
        string_enum(MembershipTier), default=MembershipTier.REGULAR
    )
    locale: Mapped[str] = mapped_column(String(16), default="en", server_default="en")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    # One email per marketplace: another marketplace may have the same person as its own user.
    __table_args__ = (
        UniqueConstraint("marketplace_id", "email", name="uq_users_marketplace_email"),
        UniqueConstraint("marketplace_id", "external_id", name="uq_users_marketplace_external_id"),
    )

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"

    @validates("email")
    def _normalise_email(self, _key: str, value: str) -> str:
        return normalise_email(value)

    def set_password(self, password: str) -> None:
        """Store a salted hash of `password` (never the password itself)."""
        method = "scrypt"
        if has_app_context():
            method = current_app.config.get("PASSWORD_HASH_METHOD", method)
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        """True when `password` matches the stored hash (never for people who log in by link only)."""
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def is_mediator(self) -> bool:
        """True for mediators."""
        return self.role == Role.MEDIATOR


def normalise_email(value: str) -> str:
    """Emails are compared and stored trimmed and lowercased."""
    return value.strip().lower()


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Flask-Login hook: the user whose id is in the session cookie."""
    try:
        return db.session.get(User, int(user_id))
    except ValueError:
        return None
