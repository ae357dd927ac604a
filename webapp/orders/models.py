"""An order as the dispute rules need it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dispute_engine import DEFAULT_POLICY, OrderFacts
from webapp.core.db import Money, UTCDateTime
from webapp.core.extensions import Model

if TYPE_CHECKING:
    from webapp.accounts.models import User


class Order(Model):
    """A paid order: who bought what from whom, and where the parcel is."""

    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    marketplace_id: Mapped[int] = mapped_column(ForeignKey("marketplaces.id"), index=True)
    # The marketplace's own id for the order (set by its API); unique within the marketplace.
    external_id: Mapped[str | None] = mapped_column(String(32))
    number: Mapped[str] = mapped_column(String(32))
    buyer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    seller_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    item_title: Mapped[str] = mapped_column(String(200))
    item_price: Mapped[Decimal] = mapped_column(Money)
    shipping_cost: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    paid_at: Mapped[datetime] = mapped_column(UTCDateTime)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    tracking_number: Mapped[str | None] = mapped_column(String(64))
    tracking_status: Mapped[str] = mapped_column(String(120), default="")
    protection_ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    receipt_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    policy: Mapped[str] = mapped_column(String(40), default=DEFAULT_POLICY)

    __table_args__ = (
        UniqueConstraint("marketplace_id", "number", name="uq_orders_marketplace_number"),
        UniqueConstraint("marketplace_id", "external_id", name="uq_orders_marketplace_external_id"),
    )

    buyer: Mapped[User] = relationship(foreign_keys=[buyer_id], lazy="joined")
    seller: Mapped[User] = relationship(foreign_keys=[seller_id], lazy="joined")

    def __repr__(self) -> str:
        return f"<Order {self.number}>"

    @property
    def total(self) -> Decimal:
        """Item price plus shipping: the most a refund can be."""
        return self.item_price + self.shipping_cost

    def facts(self) -> OrderFacts:
        """The order as the rules engine sees it."""
        return OrderFacts(
            total=self.total,
            currency=self.currency,
            dispatched_at=self.dispatched_at,
            protection_ends_at=self.protection_ends_at,
            receipt_confirmed_at=self.receipt_confirmed_at,
        )
