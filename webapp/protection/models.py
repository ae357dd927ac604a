"""A buyer's request to extend buyer protection, and the seller's answer (O10-O12)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.core.db import UTCDateTime, string_enum
from webapp.core.extensions import Model

if TYPE_CHECKING:
    from webapp.accounts.models import User

WAITING = text("status = 'pending'")


class ExtensionStatus(StrEnum):
    """A request waits for the seller, then is granted or declined; answered once."""

    PENDING = "pending"
    GRANTED = "granted"
    DECLINED = "declined"


class ProtectionExtension(Model):
    """One request to extend an order's buyer protection and what the seller answered."""

    __tablename__ = "protection_extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    status: Mapped[ExtensionStatus] = mapped_column(string_enum(ExtensionStatus))
    days_asked: Mapped[int]
    reason: Mapped[str] = mapped_column(Text, default="")
    asked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    days_granted: Mapped[int | None]
    # Buyer protection's end just before and just after the grant (O12).
    ends_before: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_after: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # One request waits per order: a second one, however it got past the lock, fails here.
    __table_args__ = (
        Index(
            "uq_protection_extensions_waiting",
            "order_id",
            unique=True,
            sqlite_where=WAITING,
            postgresql_where=WAITING,
        ),
    )

    asked_by: Mapped[User] = relationship(foreign_keys=[asked_by_id], lazy="joined")
