"""A person's orders, and opening a dispute on one (O1-O9)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import or_, select
from werkzeug.wrappers import Response

from dispute_engine import (
    REASONS,
    FormInvalid,
    Resolution,
    RuleViolation,
    format_money,
    in_transit_reason_opens_at,
    opening_window,
    reasons_for,
    smallest_amount,
)
from webapp import clock
from webapp.disputes.models import Dispute
from webapp.disputes.opening import check_opening, open_dispute, order_for
from webapp.disputes.routes import uploads_from_request
from webapp.extensions import db
from webapp.orders.models import Order
from webapp.policies import policy_named

bp = Blueprint("orders", __name__)


@bp.get("/orders")
@login_required
def index() -> str:
    """The orders the user bought or sold, each with its dispute or whether one can be opened."""
    now = clock.now()
    orders = db.session.scalars(
        select(Order)
        .where(or_(Order.buyer_id == current_user.id, Order.seller_id == current_user.id))
        .order_by(Order.paid_at.desc())
    ).all()
    disputes = {
        d.order_id: d
        for d in db.session.scalars(select(Dispute).where(Dispute.order_id.in_([o.id for o in orders])))
    }
    rows = []
    for order in orders:
        refusal = None
        try:
            check_opening(current_user, order, now)
        except RuleViolation as exc:
            refusal = exc.message
        rows.append({"order": order, "dispute": disputes.get(order.id), "refusal": refusal})
    return render_template("orders/index.html", rows=rows, money=format_money)


def _form_context(order: Order, values: dict[str, str], errors: dict[str, str]) -> dict[str, object]:
    now = clock.now()
    policy = policy_named(order.policy)
    return {
        "order": order,
        "values": values,
        "errors": errors,
        "received_reasons": reasons_for(True),
        "not_received_reasons": reasons_for(False),
        "reasons": REASONS,
        "resolutions": list(Resolution),
        "minimum": format_money(smallest_amount(order.currency), order.currency),
        "maximum": format_money(order.total, order.currency),
        "in_transit_opens_at": in_transit_reason_opens_at(order.facts(), now),
        "window_closes_at": opening_window(order.facts(), policy)[1],
    }


@bp.get("/orders/<int:order_id>/dispute/new")
@login_required
def new_dispute(order_id: int) -> str:
    """The dispute form (O4): refused with the reason when the order cannot be disputed now."""
    order = order_for(current_user, order_id)
    check_opening(current_user, order, clock.now())
    return render_template("orders/new_dispute.html", **_form_context(order, {}, {}))


@bp.post("/orders/<int:order_id>/dispute")
@login_required
def create_dispute(order_id: int) -> Response | tuple[str, int]:
    """Submit the dispute form; field errors come back beside their fields with 422."""
    form = request.form.to_dict()
    try:
        dispute = open_dispute(current_user, order_id, form, uploads_from_request(), now=clock.now())
    except FormInvalid as exc:
        db.session.rollback()
        order = order_for(current_user, order_id)
        return render_template("orders/new_dispute.html", **_form_context(order, form, exc.errors)), 422
    flash("Your dispute was opened. The seller has been told.", "success")
    return redirect(url_for("disputes.show", dispute_id=dispute.id), code=303)
