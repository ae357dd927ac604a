"""Refunds, returns and re-shipments."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dispute_engine import RefundStatus, ReshipStatus, ReturnStatus
from webapp.core.db import Money, UTCDateTime, string_enum
from webapp.core.extensions import Model


class Refund(Model):
    """Money owed to the buyer after a dispute closed in its favour (F1)."""

    __tablename__ = "refunds"

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[RefundStatus] = mapped_column(string_enum(RefundStatus))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    refunded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when it was found unpaid past due
    # The marketplace's own reference for the payment, when it paid through the API.
    payment_reference: Mapped[str | None] = mapped_column(String(120))


class ReturnShipment(Model):
    """The item on its way back to the seller before a refund (F2)."""

    __tablename__ = "returns"

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)  # refunded once the item is back
    status: Mapped[ReturnStatus] = mapped_column(string_enum(ReturnStatus))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)  # ship by, then confirm by
    tracking_number: Mapped[str | None] = mapped_column(String(64))
    # F5: the seller's local return address, one line per part; None: the address on the order.
    return_address: Mapped[str | None] = mapped_column(Text)
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Reshipment(Model):
    """A new parcel the seller owes the buyer instead of money (F6, F7, C5)."""

    __tablename__ = "reshipments"

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)  # refunded if the seller does not ship in time
    status: Mapped[ReshipStatus] = mapped_column(string_enum(ReshipStatus))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)  # ship by, then the delivery window's end
    tracking_number: Mapped[str | None] = mapped_column(String(64))
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
