"""Use case: the buyer opens a dispute on an order (O1-O8)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from dispute_engine import (
    Actor,
    DisputeRequest,
    RuleViolation,
    check_can_open,
    opening_state,
    validate_request,
)
from dispute_engine.reasons import REASONS
from dispute_engine.words import N_, Amount, Clause, Words
from webapp.core.extensions import db
from webapp.core.policies import policy_named
from webapp.core.refusals import NotFound
from webapp.disputes.attachments import Attachments, NoAttachments
from webapp.disputes.facts import dispute_facts
from webapp.disputes.models import Dispute
from webapp.disputes.steps import ActionContext, Done, finish
from webapp.orders.models import Order

if TYPE_CHECKING:
    from webapp.accounts.models import User


class OrderNotFound(NotFound):
    """No such order, or not one this person bought or sold."""

    explanation: str = Words(N_("There is no such dispute or order, or it is not yours to see."))


def order_for(user: User, order_id: int) -> Order:
    """The order if the user is its buyer or seller."""
    order = db.session.get(Order, order_id)
    if order is None or user.id not in (order.buyer_id, order.seller_id):
        raise OrderNotFound(order_id)
    return order


def has_dispute(order: Order) -> bool:
    """Whether a dispute already exists on this order (O1)."""
    return bool(db.session.scalar(select(exists().where(Dispute.order_id == order.id))))


def check_opening(user: User, order: Order, now: datetime) -> None:
    """Raise RuleViolation unless `user` may open a dispute on `order` now (O1-O3)."""
    check_can_open(
        order.facts(),
        policy_named(order.policy),
        now,
        is_buyer=user.id == order.buyer_id,
        has_dispute=has_dispute(order),
    )


def validate_opening_form(order: Order, form: Mapping[str, str], now: datetime, files: int) -> DisputeRequest:
    """The engine's reading of the dispute form's answers (O4-O8); raises FormInvalid per field."""
    return validate_request(
        order.facts(),
        now,
        received=form.get("received"),
        reason=form.get("reason"),
        resolution=form.get("resolution"),
        amount=form.get("amount"),
        description=form.get("description"),
        evidence_count=files,
    )


def open_dispute(
    user: User,
    order_id: int,
    form: Mapping[str, str],
    files: Attachments | None = None,
    *,
    now: datetime,
) -> Dispute:
    """Open a dispute with the buyer's request as its first proposal, and store its evidence."""
    files = files if files is not None else NoAttachments()
    order = order_for(user, order_id)
    check_opening(user, order, now)
    request = validate_opening_form(order, form, now, len(files))
    files.check()
    dispute = Dispute(
        order_id=order.id,
        policy=order.policy,
        state=opening_state(),
        received=request.received,
        reason=request.reason,
        resolution=request.resolution,
        amount=request.amount,
        currency=order.currency,
        description=request.description,
        opened_at=now,
        updated_at=now,
    )
    db.session.add(dispute)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        # Two tabs submitted at once: the unique order_id let only one through (O1).
        raise RuleViolation("O1", N_("This order already has a dispute.")) from None
    dispute.order = order
    dispute.table_the_request(user.id, now)
    ctx = ActionContext(dispute, Actor.BUYER, user, now, dispute_facts(dispute))
    hashes = files.store(ctx)
    summary = Words(
        N_("The buyer opened a dispute: %(reason)s; %(kind)s, %(amount)s; %(files)s evidence file(s)."),
        reason=Clause(REASONS[request.reason].label),
        kind=request.resolution.label,
        amount=Amount(request.amount, order.currency),
        files=len(hashes),
    )
    finish(ctx, Done("opened", summary, rule="O4", data={"evidence": hashes}))
    return dispute
