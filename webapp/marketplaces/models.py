"""A marketplace (a tenant): its name and the dispute policy its orders follow by default."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column

from webapp.core import clock
from webapp.core.db import UTCDateTime
from webapp.core.extensions import Model, db

DEMO_NAME = "Demo marketplace"


class Marketplace(Model):
    """A marketplace that runs its disputes here; nothing of one is visible to another."""

    __tablename__ = "marketplaces"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    policy: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    def __repr__(self) -> str:
        return f"<Marketplace {self.id} {self.name}>"


def marketplace_named(name: str) -> Marketplace | None:
    """The marketplace called `name`, if there is one."""
    return db.session.scalar(select(Marketplace).where(Marketplace.name == name))


def demo_marketplace() -> Marketplace:
    """The marketplace the demo data (and accounts made without one) belongs to, created when missing."""
    found = marketplace_named(DEMO_NAME)
    if found is None:
        found = Marketplace(name=DEMO_NAME, policy="aliexpress")
        db.session.add(found)
        db.session.flush()
    return found
