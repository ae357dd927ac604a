"""The listing as it was when the order was paid: what the seller promised, kept unchanged.

A marketplace sends it with the order (title, description, attributes, price, shipping and the
photos' bytes; the app never fetches a URL). The photos are stored write-once like evidence
originals, with their SHA-256; the mediator sees the snapshot beside the dispute.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import IO, Any

from flask import current_app
from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dispute_engine import FormInvalid
from media import TooLarge
from media.sniff import sniff_stream
from webapp.core.db import Money, UTCDateTime
from webapp.core.extensions import Model, db
from webapp.core.storage import put_for_transaction

MAX_PHOTOS = 10


class ListingSnapshot(Model):
    """The listing of one order at purchase; never changed once taken."""

    __tablename__ = "listing_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    attributes: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    price: Mapped[Decimal] = mapped_column(Money)
    shipping: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime)

    photos: Mapped[list[ListingPhoto]] = relationship(order_by="ListingPhoto.position", lazy="selectin")


class ListingPhoto(Model):
    """One photo of a listing snapshot, stored write-once with its hash."""

    __tablename__ = "listing_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("listing_snapshots.id"), index=True)
    position: Mapped[int]
    uuid: Mapped[str] = mapped_column(String(32), unique=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200))

    __table_args__ = (UniqueConstraint("snapshot_id", "position", name="uq_listing_photos_position"),)


@dataclass(frozen=True)
class PhotoUpload:
    """A listing photo as the API received it."""

    filename: str
    stream: IO[bytes]


def snapshot_of(order_id: int) -> ListingSnapshot | None:
    """The order's listing snapshot, if the marketplace sent one."""
    return db.session.scalar(select(ListingSnapshot).where(ListingSnapshot.order_id == order_id))


def check_photos(photos: list[PhotoUpload]) -> list[str]:
    """Refuse, before anything is stored, files that are not photos or are too large; their types."""
    if len(photos) > MAX_PHOTOS:
        raise FormInvalid({"listing.photos": f"At most {MAX_PHOTOS} photos a listing."})
    limit = int(current_app.config.get("MAX_PHOTO_BYTES", 20 * 1024 * 1024))
    types = []
    for photo in photos:
        sniffed = sniff_stream(photo.stream)
        if sniffed is None or sniffed.kind != "photo":
            raise FormInvalid(
                {"listing.photos": f"{photo.filename} is not a photo (JPEG, PNG, WebP, HEIC, GIF)."}
            )
        photo.stream.seek(0, 2)
        if photo.stream.tell() > limit:
            raise FormInvalid(
                {"listing.photos": f"{photo.filename} is larger than {limit // (1024 * 1024)} MB."}
            )
        photo.stream.seek(0)
        types.append(sniffed.content_type)
    return types


def take_snapshot(
    order_id: int, listing: dict[str, Any], photos: list[PhotoUpload], at: datetime
) -> ListingSnapshot:
    """Keep the listing and store its photos (checked first, so a refused one leaves nothing)."""
    types = check_photos(photos)
    snapshot = ListingSnapshot(
        order_id=order_id,
        title=listing["title"],
        description=listing["description"],
        attributes=listing["attributes"],
        price=Decimal(listing["price"]),
        shipping=Decimal(listing["shipping"]),
        currency=listing["currency"],
        taken_at=at,
    )
    db.session.add(snapshot)
    db.session.flush()
    limit = int(current_app.config.get("MAX_PHOTO_BYTES", 20 * 1024 * 1024))
    for position, (photo, content_type) in enumerate(zip(photos, types, strict=True), start=1):
        photo_uuid = uuid.uuid4().hex
        key = f"listings/{order_id}/{photo_uuid}"
        try:
            stored = put_for_transaction(key, photo.stream, content_type=content_type, max_bytes=limit)
        except TooLarge:
            raise FormInvalid({"listing.photos": f"{photo.filename} is too large."}) from None
        db.session.add(
            ListingPhoto(
                snapshot_id=snapshot.id,
                position=position,
                uuid=photo_uuid,
                filename=photo.filename[:255],
                content_type=content_type,
                size=stored.size,
                sha256=stored.sha256,
                storage_key=key,
            )
        )
    db.session.flush()
    db.session.refresh(snapshot)
    return snapshot


def same_listing(snapshot: ListingSnapshot, listing: dict[str, Any], photo_hashes: list[str]) -> bool:
    """Whether `listing` (and photos with these hashes) is what the snapshot already holds."""
    return (
        snapshot.title == listing["title"]
        and snapshot.description == listing["description"]
        and snapshot.attributes == listing["attributes"]
        and snapshot.price == Decimal(listing["price"])
        and snapshot.shipping == Decimal(listing["shipping"])
        and [p.sha256 for p in snapshot.photos] == photo_hashes
    )
