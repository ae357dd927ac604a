"""Asking for and answering an extension of buyer protection (O10-O13): parse, call one service, render."""

from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from dispute_engine import FormInvalid, NotPermitted, RuleViolation
from webapp.core import clock, htmx
from webapp.core.extensions import db
from webapp.core.refusals import refusal_of
from webapp.orders.models import Order
from webapp.pages.orders import orders_page
from webapp.protection import services
from webapp.protection.models import ExtensionStatus
from webapp.protection.panel import panel_for

bp = Blueprint("protection", __name__)
PANEL = "orders/_protection.html"


def _values(*names: str) -> dict[str, str]:
    return {name: request.form.get(name, "") for name in names}


def _order(order_id: int) -> Order:
    """The order, fresh, if the current user bought or sold it (404 otherwise)."""
    order = db.session.get(Order, order_id, populate_existing=True)
    if order is None or current_user.id not in (order.buyer_id, order.seller_id):
        raise services.OrderNotFound(order_id)
    return order


def _panel(
    order_id: int,
    status: int,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    notice: str = "",
) -> Response:
    """The order's panel alone (htmx), or the orders page with it (a plain form that was refused)."""
    order = _order(order_id)
    now = clock.now()
    panel = panel_for(current_user, order, now, errors=errors, values=values, notice=notice)
    if htmx.wants_partial():
        return htmx.vary(make_response(render_template(PANEL, panel=panel), status))
    return htmx.vary(make_response(orders_page(now, {order_id: panel}), status))


def _refused(order_id: int, error: RuleViolation | FormInvalid, values: dict[str, str]) -> Response:
    """A refusal beside the form, nothing kept: 422 for a field, 409 for the rules."""
    db.session.rollback()
    refusal = refusal_of(error)
    errors: dict[str, str] = (
        dict(error.words) if isinstance(error, FormInvalid) else {"form": refusal.message}
    )
    return _panel(order_id, refusal.status, errors=errors, values=values)


def _done(order_id: int, notice: str) -> Response:
    """After an action: back to the orders page (PRG), or the panel with what happened (htmx)."""
    if not htmx.wants_partial():
        flash(notice, "success")
        return redirect(url_for("orders.index", _anchor=f"order-{order_id}"), code=303)
    db.session.flush()
    return _panel(order_id, 200, notice=notice)


@bp.post("/orders/<int:order_id>/protection/ask")
@login_required
def ask(order_id: int) -> Response:
    """The buyer asks the seller to extend buyer protection by some days (O10)."""
    values = _values("days", "reason")
    try:
        outcome = services.ask(current_user, order_id, values["days"], values["reason"], clock.now())
    except (FormInvalid, RuleViolation) as exc:
        if isinstance(exc, NotPermitted):
            raise
        return _refused(order_id, exc, values)
    if outcome.repeated:
        return _done(order_id, _("Your request is already with the seller."))
    return _done(order_id, _("Your request was sent to the seller."))


@bp.post("/orders/<int:order_id>/protection/answer")
@login_required
def answer(order_id: int) -> Response:
    """The seller grants (perhaps other days, within limits) or declines the waiting request (O11, O12)."""
    values = _values("request", "decision", "days")
    try:
        outcome = services.answer(
            current_user, order_id, values["request"], values["decision"], values["days"], clock.now()
        )
    except (FormInvalid, RuleViolation) as exc:
        if isinstance(exc, NotPermitted):
            raise
        return _refused(order_id, exc, values)
    extension = outcome.extension
    if extension.status is ExtensionStatus.DECLINED:
        return _done(order_id, _("You declined the request. The buyer has been told."))
    return _done(
        order_id,
        _(
            "Buyer protection now ends on %(date)s UTC. The buyer has been told.",
            date=format_datetime(extension.ends_after, "d MMMM y, HH:mm"),
        ),
    )
