"""The User model with its role and membership tier."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint, select
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
    LEAD_MEDIATOR = "lead_mediator"  # a mediator who may also hand cases to other mediators


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
    # The language the person chose (in the header or through their marketplace); None: not yet,
    # so their browser's Accept-Language decides.
    locale: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # Every session carries the generation it was made in (see get_id); bumping it ends them all.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

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
        self.end_sessions()

    def check_password(self, password: str) -> bool:
        """True when `password` matches the stored hash (never for people who log in by link only)."""
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def end_sessions(self) -> None:
        """End every session of this user, on every device (logout, new password, disabling)."""
        self.session_generation = (self.session_generation or 0) + 1

    def get_id(self) -> str:
        """What Flask-Login keeps in the session: the id and the session generation, "7:3"."""
        return f"{self.id}:{self.session_generation}"

    @property
    def is_active(self) -> bool:
        """A disabled account cannot log in, and its sessions are refused."""
        return self.disabled_at is None

    def disable(self, at: datetime) -> None:
        """Disable the account and end its sessions at once."""
        self.disabled_at = at
        self.end_sessions()

    @property
    def is_mediator(self) -> bool:
        """True for mediators, lead mediators included."""
        return self.role in (Role.MEDIATOR, Role.LEAD_MEDIATOR)

    @property
    def is_lead(self) -> bool:
        """True for lead mediators, who may reassign a case another mediator holds."""
        return self.role == Role.LEAD_MEDIATOR


def mediators() -> list[User]:
    """Every mediator and lead mediator, by name (whom a lead may hand a case to)."""
    query = select(User).where(User.role.in_([Role.MEDIATOR, Role.LEAD_MEDIATOR])).order_by(User.name)
    return list(db.session.scalars(query))


def normalise_email(value: str) -> str:
    """Emails are compared and stored trimmed and lowercased."""
    return value.strip().lower()


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Flask-Login hook: the user of the session, unless the session was ended or the account disabled."""
    user_id, _, generation = session_id.partition(":")
    try:
        user = db.session.get(User, int(user_id))
    except ValueError:
        return None
    if user is None or not user.is_active or str(user.session_generation) != generation:
        return None
    return user
