"""Orders upserted by external id with their listing snapshot, and the shipping events that move them."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from dispute_engine import FormInvalid
from webapp.accounts.models import Role, User
from webapp.api.blueprint import bp, marketplace, scope
from webapp.api.files import decode_files
from webapp.api.idempotency import idempotent
from webapp.api.people import person
from webapp.api.schemas import OrderIn, OrderOut, ShippingEventIn
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.refusals import Conflict, NotFound
from webapp.disputes.models import Dispute
from webapp.orders.listing import ListingSnapshot, PhotoUpload, same_listing, snapshot_of, take_snapshot
from webapp.orders.models import Order

DEFAULT_PROTECTION = timedelta(days=60)
CLOCK_SLACK = timedelta(minutes=5)  # an event's time may be a little ahead of ours


class OrderNotFound(NotFound):
    """No such order in this marketplace."""

    explanation = "There is no such order in this marketplace."


def order_of(external_id: str) -> Order:
    """The marketplace's order with this external id (404 for any other marketplace's)."""
    order = db.session.scalar(
        select(Order).where(Order.marketplace_id == marketplace().id, Order.external_id == external_id)
    )
    if order is None:
        raise OrderNotFound(external_id)
    return order


def listing_out(snapshot: ListingSnapshot | None) -> dict[str, Any] | None:
    """The listing snapshot as the API shows it (photos by hash, never by URL)."""
    if snapshot is None:
        return None
    return {
        "title": snapshot.title,
        "description": snapshot.description,
        "attributes": snapshot.attributes,
        "price": str(snapshot.price),
        "shipping": str(snapshot.shipping),
        "currency": snapshot.currency,
        "taken_at": snapshot.taken_at,
        "photos": [
            {
                "position": p.position,
                "filename": p.filename,
                "content_type": p.content_type,
                "size": p.size,
                "sha256": p.sha256,
            }
            for p in snapshot.photos
        ],
    }


def order_out(order: Order) -> dict[str, Any]:
    """An order as the API shows it."""
    dispute_id = db.session.scalar(select(Dispute.id).where(Dispute.order_id == order.id))
    return {
        "id": order.id,
        "external_id": order.external_id,
        "number": order.number,
        "buyer": order.buyer.external_id or str(order.buyer_id),
        "seller": order.seller.external_id or str(order.seller_id),
        "policy": order.policy,
        "currency": order.currency,
        "paid_at": order.paid_at,
        "dispatched_at": order.dispatched_at,
        "tracking_number": order.tracking_number,
        "tracking_status": order.tracking_status,
        "receipt_confirmed_at": order.receipt_confirmed_at,
        "protection_ends_at": order.protection_ends_at,
        "dispute_id": dispute_id,
        "listing": listing_out(snapshot_of(order.id)),
    }


def _party(external_id: str, role: Role, field: str) -> User:
    try:
        user = person(external_id)
    except NotFound:
        raise FormInvalid({field: f"There is no {role.value} {external_id!r}: create them first."}) from None
    if user.role is not role:
        raise FormInvalid({field: f"{external_id!r} is a {user.role.value}, not a {role.value}."})
    return user


def _photos(data: dict[str, Any]) -> list[PhotoUpload]:
    uploads = decode_files(data["listing"]["photos"], "listing.photos")
    return [PhotoUpload(u.filename, u.stream) for u in uploads]


def _hashes(photos: list[PhotoUpload]) -> list[str]:
    hashes = []
    for photo in photos:
        hashes.append(hashlib.sha256(photo.stream.read()).hexdigest())
        photo.stream.seek(0)
    return hashes


@bp.put("/orders/<external_id>")
@scope("orders:write")
@bp.input(OrderIn, arg_name="data")
@bp.output(OrderOut)
@bp.doc(summary="Create an order with its listing snapshot", responses=[401, 403, 404, 409, 422, 429])
def put_order(external_id: str, data: dict[str, Any]) -> dict[str, Any]:
    """Create the order with this external id and its immutable listing snapshot.

    Sending the same order again answers with it; an order's parties, payment and listing never
    change (409): shipping events move it on.
    """
    if not 1 <= len(external_id) <= 32:
        raise FormInvalid({"external_id": "An order's external id has 1 to 32 characters."})
    owner = marketplace()
    buyer = _party(data["buyer"], Role.BUYER, "buyer")
    seller = _party(data["seller"], Role.SELLER, "seller")
    photos = _photos(data)
    listing = {**data["listing"], "currency": data["currency"]}
    existing = db.session.scalar(
        select(Order).where(Order.marketplace_id == owner.id, Order.external_id == external_id)
    )
    if existing is not None:
        snapshot = snapshot_of(existing.id)
        same = (
            (existing.buyer_id, existing.seller_id, existing.currency, existing.paid_at)
            == (buyer.id, seller.id, data["currency"], data["paid_at"])
            and snapshot is not None
            and same_listing(snapshot, listing, _hashes(photos))
        )
        if not same:
            raise Conflict(
                "This order exists with other parties, payment or listing; those never change. "
                "Send shipping events to move it on."
            )
        return order_out(existing)
    paid_at: datetime = data["paid_at"]
    order = Order(
        marketplace_id=owner.id,
        external_id=external_id,
        number=external_id,
        buyer_id=buyer.id,
        seller_id=seller.id,
        item_title=listing["title"],
        item_price=Decimal(listing["price"]),
        shipping_cost=Decimal(listing["shipping"]),
        currency=data["currency"],
        paid_at=paid_at,
        tracking_status="Paid",
        protection_ends_at=data["protection_ends_at"] or paid_at + DEFAULT_PROTECTION,
        policy=owner.policy,
    )
    db.session.add(order)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Conflict(f"Another order of this marketplace has the number {external_id!r}.") from None
    take_snapshot(order.id, listing, photos, at=paid_at)
    return order_out(order)


@bp.get("/orders/<external_id>")
@scope("disputes:read")
@bp.output(OrderOut)
@bp.doc(summary="One order", responses=[401, 403, 404, 429])
def get_order(external_id: str) -> dict[str, Any]:
    """The order with its shipping facts, its dispute (if any) and its listing snapshot."""
    return order_out(order_of(external_id))


@bp.post("/orders/<external_id>/events")
@scope("orders:write")
@idempotent(lambda: marketplace().id)
@bp.input(ShippingEventIn, arg_name="data")
@bp.output(OrderOut)
@bp.doc(summary="A shipping event", responses=[401, 403, 404, 409, 422, 429])
def shipping_event(external_id: str, data: dict[str, Any]) -> dict[str, Any]:
    """Dispatched (with its tracking number), delivered, receipt confirmed or protection extended.

    These are the facts the opening rules read (O2, O3): when a dispute may be opened, and until when.
    """
    order = order_of(external_id)
    now = clock.now()
    at: datetime = data["at"] or now
    if at > now + CLOCK_SLACK:
        raise FormInvalid({"at": "An event cannot be in the future."})
    kind = data["type"]
    if kind == "dispatched":
        if not data["tracking_number"]:
            raise FormInvalid({"tracking_number": "A dispatched parcel has a tracking number."})
        order.dispatched_at = order.dispatched_at or at
        order.tracking_number = data["tracking_number"]
        order.tracking_status = "In transit"
    elif order.dispatched_at is None and kind in ("delivered", "receipt_confirmed"):
        raise Conflict("The order has not been dispatched yet: send the dispatched event first.")
    elif kind == "delivered":
        order.tracking_status = "Delivered"
    elif kind == "receipt_confirmed":
        order.receipt_confirmed_at = order.receipt_confirmed_at or at
    else:
        ends = data["protection_ends_at"]
        if ends is None or ends <= order.protection_ends_at:
            raise FormInvalid(
                {"protection_ends_at": "Give the new end of protection, later than the current one."}
            )
        order.protection_ends_at = ends
    db.session.flush()
    return order_out(order)
