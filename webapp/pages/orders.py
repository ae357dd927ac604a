"""A person's orders, and opening a dispute on one (O1-O9)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import or_, select
from werkzeug.wrappers import Response

from dispute_engine import FormInvalid, RuleViolation
from webapp.core import clock, htmx
from webapp.core.extensions import db
from webapp.core.formatting import money
from webapp.core.refusals import refusal_of
from webapp.core.uploads import uploads_from_request
from webapp.disputes.models import Dispute
from webapp.disputes.opening import check_opening, open_dispute, order_for
from webapp.evidence.attachments import UploadedFiles
from webapp.orders.models import Order
from webapp.pages.opening_form import (
    FIELDS,
    answers,
    chosen_files,
    engine_errors,
    errors_of_answered,
    fit_reason_to_answer,
    form_context,
    render_parts,
)
from webapp.pages.order_status import order_statuses
from webapp.protection.panel import Panel, panels_for

bp = Blueprint("orders", __name__)


def orders_page(now: datetime, shown: Mapping[int, Panel] | None = None) -> str:
    """The orders the user bought or sold, each with its dispute or whether one can be opened, and its
    buyer protection (O10-O12); `shown` replaces an order's panel (a refused form, refilled)."""
    orders = db.session.scalars(
        select(Order)
        .where(or_(Order.buyer_id == current_user.id, Order.seller_id == current_user.id))
        .order_by(Order.paid_at.desc())
    ).all()
    disputes = {
        d.order_id: d
        for d in db.session.scalars(select(Dispute).where(Dispute.order_id.in_([o.id for o in orders])))
    }
    statuses = order_statuses(orders, disputes)
    panels = {**panels_for(current_user, orders, now), **(shown or {})}
    rows = []
    for order in orders:
        refusal = None
        try:
            check_opening(current_user, order, now)
        except RuleViolation as exc:
            refusal = exc.words
        rows.append(
            {
                "order": order,
                "dispute": disputes.get(order.id),
                "refusal": refusal,
                "status": statuses[order.id],
                "protection": panels[order.id],
            }
        )
    return render_template("orders/index.html", rows=rows, money=money)


@bp.get("/orders")
@login_required
def index() -> str:
    """The orders the user bought or sold."""
    return orders_page(clock.now())


def _openable(order_id: int) -> Order:
    """The order, if the current user may open a dispute on it now (404/403/409 otherwise, O1-O3)."""
    order = order_for(current_user, order_id)
    check_opening(current_user, order, clock.now())
    return order


def _page(
    order: Order, values: dict[str, str], errors: dict[str, str], status: int = 200, files_lost: int = 0
) -> Response:
    """The whole form page; its lists follow the received answer when htmx is there to update them."""
    context = form_context(
        order, values, errors, clock.now(), follow_received=htmx.is_htmx(), files_lost=files_lost
    )
    return htmx.vary(make_response(render_template("orders/new_dispute.html", **context), status))


def _parts(order: Order, values: dict[str, str], errors: dict[str, str], main: str, *oob: str) -> Response:
    context = form_context(order, values, errors, clock.now(), follow_received=True)
    return htmx.vary(make_response(render_parts(main, context, oob)))


@bp.get("/orders/<int:order_id>/dispute/new")
@login_required
def new_dispute(order_id: int) -> Response:
    """The dispute form (O4): refused with the reason when the order cannot be disputed now."""
    return _page(_openable(order_id), {}, {})


@bp.get("/orders/<int:order_id>/dispute/new/reasons")
@login_required
def dispute_reasons(order_id: int) -> Response:
    """The reason field for the answer to "Did you receive the goods?" (O5), and the fields that follow it."""
    order = _openable(order_id)
    values = fit_reason_to_answer(answers(request.args))
    if not htmx.wants_partial():
        return _page(order, values, {})
    errors = errors_of_answered(engine_errors(order, values, clock.now(), files=0), values)
    shown: dict[str, str] = {
        name: errors[name] for name in ("received", "reason", "resolution") if name in errors
    }
    return _parts(order, values, shown, "reason", "received", "resolution", "evidence", "guidance")


@bp.post("/orders/<int:order_id>/dispute/new/check/<field>")
@login_required
def check_field(order_id: int, field: str) -> Response:
    """Check one field as it is left (O4-O8): its wrapper with the engine's error for it, or none."""
    if field not in FIELDS:
        abort(404)
    order = _openable(order_id)
    values = answers(request.form)
    found = engine_errors(order, values, clock.now(), chosen_files())
    errors = {field: found[field]} if field in found else {}
    if not htmx.wants_partial():
        return _page(order, values, errors)
    return _parts(order, values, errors, field, *(("guidance",) if field == "reason" else ()))


@bp.post("/orders/<int:order_id>/dispute")
@login_required
def create_dispute(order_id: int) -> Response:
    """Submit the dispute form; field errors come back beside their fields with 422, nothing saved."""
    uploads = uploads_from_request()
    try:
        dispute = open_dispute(
            current_user, order_id, request.form.to_dict(), UploadedFiles(uploads), now=clock.now()
        )
    except FormInvalid as exc:
        db.session.rollback()
        order = order_for(current_user, order_id)
        # With htmx the file input is kept across the swap (hx-preserve); without, files must be chosen again.
        lost = 0 if htmx.is_htmx() else len(uploads)
        status = refusal_of(exc).status
        errors: dict[str, str] = dict(exc.words)  # said in the reader's language when shown
        return _page(order, answers(request.form), errors, status=status, files_lost=lost)
    flash(_("Your dispute was opened. The seller has been told."), "success")
    return redirect(url_for("disputes.show", dispute_id=dispute.id), code=303)
