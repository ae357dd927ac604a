"""Webhook endpoints, the outbox of messages, and one delivery per message and endpoint."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.core.db import UTCDateTime, string_enum
from webapp.core.extensions import Model

EVENT_TYPES = (
    "dispute.opened",
    "dispute.updated",
    "dispute.escalated",
    "decision.proposed",
    "decision.final",
    "refund.due",
    "refund.overdue",
    "return.shipped",
    "replacement.shipped",
    "dispute.closed",
)


class WebhookEndpoint(Model):
    """A marketplace's URL that receives the events it chose, signed with its own secret."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    marketplace_id: Mapped[int] = mapped_column(ForeignKey("marketplaces.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    # "whsec_" + base64: kept to sign with (a hash could not sign); shown to the marketplace once.
    secret: Mapped[str] = mapped_column(String(100))
    events: Mapped[str] = mapped_column(String(400))  # space-separated event types
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def event_set(self) -> frozenset[str]:
        """The event types this endpoint receives."""
        return frozenset(self.events.split())


class WebhookMessage(Model):
    """One event in the outbox, written in the transaction of the change that caused it."""

    __tablename__ = "webhook_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    marketplace_id: Mapped[int] = mapped_column(ForeignKey("marketplaces.id"))
    dispute_id: Mapped[int | None] = mapped_column(ForeignKey("disputes.id"))
    msg_id: Mapped[str] = mapped_column(String(40), unique=True)  # the webhook-id header
    event_type: Mapped[str] = mapped_column(String(40))
    payload: Mapped[str] = mapped_column(Text)  # the exact JSON body that is signed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DeliveryStatus(StrEnum):
    """A delivery's life: pending (trying), delivered (2xx), failed (gave up after the schedule)."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class WebhookDelivery(Model):
    """One message to one endpoint: its tries, the next one, and what the endpoint last answered."""

    __tablename__ = "webhook_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("webhook_messages.id"))
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id"))
    # Copied from the message: deliveries of one dispute to one endpoint go in order.
    dispute_id: Mapped[int | None] = mapped_column(ForeignKey("disputes.id"))
    status: Mapped[DeliveryStatus] = mapped_column(string_enum(DeliveryStatus))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status_code: Mapped[int | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    message: Mapped[WebhookMessage] = relationship(lazy="joined")
    endpoint: Mapped[WebhookEndpoint] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("message_id", "endpoint_id", name="uq_webhook_deliveries_message_endpoint"),
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_chain", "endpoint_id", "dispute_id", "status"),
    )
