"""Deadline reminders: one row per (dispute, deadline kind, deadline time, person, lead time)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from webapp.core.db import UTCDateTime
from webapp.core.extensions import Model

PENDING = text("sent_at IS NULL AND dropped_at IS NULL")


class DeadlineReminder(Model):
    """A planned reminder of one deadline to one person; sent once, or dropped when the deadline moved.

    Keyed by the deadline's due time: a deadline that moves is another deadline with reminders of its
    own, and the unique index makes planning or sending a reminder twice impossible.
    """

    __tablename__ = "deadline_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"))
    kind: Mapped[str] = mapped_column(String(30))  # a DeadlineKind value, or "refund_payment"
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    lead_minutes: Mapped[int]
    send_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)  # too late to be worth sending
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dropped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notifications.id"))

    __table_args__ = (
        Index(
            "uq_deadline_reminders_once",
            "dispute_id",
            "kind",
            "due_at",
            "user_id",
            "lead_minutes",
            unique=True,
        ),
        # The clock's query: pending reminders whose time has come, found without a scan.
        Index("ix_deadline_reminders_pending", "send_at", sqlite_where=PENDING, postgresql_where=PENDING),
    )
