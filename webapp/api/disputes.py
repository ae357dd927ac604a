"""Disputes: read them (a cursor-paged list, one in full), and act for a buyer or seller through `perform`."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select

from dispute_engine import Action, FormInvalid
from webapp.accounts.models import User
from webapp.api.blueprint import bp, marketplace, scope
from webapp.api.dispute_schemas import (
    DisputeDetailOut,
    DisputeOpenIn,
    DisputePage,
    DisputeQuery,
    EvidenceCreated,
    EvidenceIn,
    MessageCreated,
    MessageIn,
)
from webapp.api.dispute_views import detail_out, evidence_out, summary_out
from webapp.api.files import decode_files
from webapp.api.idempotency import idempotent
from webapp.api.orders import order_of
from webapp.api.people import person
from webapp.core import clock
from webapp.core.extensions import db
from webapp.dashboard.listing import batch_facts, settle_due
from webapp.disputes.models import Dispute
from webapp.disputes.negotiation import send_message
from webapp.disputes.opening import open_dispute
from webapp.disputes.pipeline import DisputeNotFound, lock_dispute, perform, settle_due_deadlines
from webapp.evidence.attachments import UploadedFiles
from webapp.evidence.locker import add_evidence
from webapp.orders.models import Order


def ours() -> Any:
    """The criterion that keeps a query inside this marketplace's disputes."""
    return Dispute.order_id.in_(select(Order.id).where(Order.marketplace_id == marketplace().id))


def dispute_of(dispute_id: int, now: datetime) -> Dispute:
    """The marketplace's dispute, its due deadlines applied first (404 for any other marketplace's)."""
    dispute = db.session.scalar(select(Dispute).where(Dispute.id == dispute_id, ours()))
    if dispute is None:
        raise DisputeNotFound(dispute_id)
    if dispute.next_deadline_at is not None and dispute.next_deadline_at <= now:
        locked = lock_dispute(dispute_id)
        assert locked is not None
        settle_due_deadlines(locked, now)
        dispute = locked
    return dispute


def _cursor(dispute: Dispute) -> str:
    raw = json.dumps([dispute.updated_at.isoformat(), dispute.id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _after(cursor: str) -> Any:
    try:
        at, dispute_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        since = datetime.fromisoformat(at)
        if since.tzinfo is None or not isinstance(dispute_id, int):
            raise ValueError(cursor)
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError):
        raise FormInvalid({"cursor": "This cursor was not given by this API."}) from None
    return or_(Dispute.updated_at > since, and_(Dispute.updated_at == since, Dispute.id > dispute_id))


@bp.get("/disputes")
@scope("disputes:read")
@bp.input(DisputeQuery, location="query", arg_name="query")
@bp.output(DisputePage)
@bp.doc(summary="List disputes, oldest change first", responses=[401, 403, 422, 429])
def list_disputes(query: dict[str, Any]) -> dict[str, Any]:
    """The marketplace's disputes by (updated_at, id); follow `next_cursor` until it is null.

    `updated_since` gives those changed since then (a message or evidence does not count as a change).
    """
    now = clock.now()
    settle_due(now, ours())
    criteria = [ours()]
    if query.get("state"):
        criteria.append(Dispute.state == query["state"])
    if query.get("updated_since"):
        criteria.append(Dispute.updated_at >= query["updated_since"])
    if query.get("cursor"):
        criteria.append(_after(query["cursor"]))
    limit = query["limit"]
    rows = list(
        db.session.scalars(
            select(Dispute).where(*criteria).order_by(Dispute.updated_at, Dispute.id).limit(limit + 1)
        )
    )
    page = rows[:limit]
    facts = batch_facts(page)
    return {
        "items": [summary_out(d, f, now) for d, f in zip(page, facts, strict=True)],
        "next_cursor": _cursor(page[-1]) if len(rows) > limit else None,
    }


@bp.get("/disputes/<int(max=9223372036854775807):dispute_id>")
@scope("disputes:read")
@bp.output(DisputeDetailOut)
@bp.doc(summary="One dispute in full", responses=[401, 403, 404, 429])
def get_dispute(dispute_id: int) -> dict[str, Any]:
    """The dispute with its proposals, thread, evidence (metadata, SHA-256), decision, refund and return."""
    now = clock.now()
    return detail_out(dispute_of(dispute_id, now), now)


@bp.post("/disputes")
@scope("disputes:write")
@idempotent(lambda: marketplace().id)
@bp.input(DisputeOpenIn, arg_name="data")
@bp.output(DisputeDetailOut, status_code=201)
@bp.doc(summary="Open a dispute for the buyer", responses=[401, 403, 404, 409, 422, 429])
def open_for_buyer(data: dict[str, Any]) -> dict[str, Any]:
    """Open a dispute on an order as its buyer, with the same rules and limits as the dispute form (O1-O9)."""
    order = order_of(data["order"])
    form = {
        "received": "yes" if data["received"] else "no",
        "reason": data["reason"],
        "resolution": data["resolution"],
        "amount": data["amount"],
        "description": data["description"],
    }
    uploads = decode_files(data["evidence"], "evidence")
    now = clock.now()
    dispute = open_dispute(order.buyer, order.id, form, UploadedFiles(uploads), now=now)
    return detail_out(dispute, now)


def _party_of(dispute: Dispute, external_id: str) -> User:
    user = person(external_id)
    if user.id not in (dispute.order.buyer_id, dispute.order.seller_id):
        raise FormInvalid({"author": f"{external_id!r} is neither this dispute's buyer nor its seller."})
    return user


@bp.post("/disputes/<int(max=9223372036854775807):dispute_id>/messages")
@scope("disputes:write")
@idempotent(lambda: marketplace().id)
@bp.input(MessageIn, arg_name="data")
@bp.output(MessageCreated, status_code=201)
@bp.doc(summary="Post a thread message for a party", responses=[401, 403, 404, 409, 422, 429])
def post_message(dispute_id: int, data: dict[str, Any]) -> dict[str, Any]:
    """A message in the negotiation thread, written by the buyer or the seller (N7)."""
    now = clock.now()
    author = _party_of(dispute_of(dispute_id, now), data["author"])
    message = perform(author, dispute_id, Action.SEND_MESSAGE, now, lambda c: send_message(c, data["body"]))
    db.session.flush()
    return {"id": message.id, "dispute_id": dispute_id}


@bp.post("/disputes/<int(max=9223372036854775807):dispute_id>/evidence")
@scope("disputes:write")
@idempotent(lambda: marketplace().id)
@bp.input(EvidenceIn, arg_name="data")
@bp.output(EvidenceCreated, status_code=201)
@bp.doc(summary="Add evidence for a party", responses=[401, 403, 404, 409, 422, 429])
def post_evidence(dispute_id: int, data: dict[str, Any]) -> dict[str, Any]:
    """Photos or videos into the party's locker, with the same checks and limits as the page (E1)."""
    now = clock.now()
    author = _party_of(dispute_of(dispute_id, now), data["author"])
    uploads = decode_files(data["files"], "files")
    items = perform(
        author, dispute_id, Action.ADD_EVIDENCE, now, lambda c: add_evidence(c, uploads, data["caption"])
    )
    return {"items": [evidence_out(item) for item in items]}
