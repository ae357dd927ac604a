"""The webhook log for the marketplace's staff (mediators): each endpoint's deliveries, and Send again."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp.accounts.access import role_required
from webapp.accounts.models import Role
from webapp.core import clock
from webapp.webhooks.delivery import send_again
from webapp.webhooks.endpoints import active_endpoints, delivery_log, delivery_of

bp = Blueprint("webhooks", __name__)


@bp.get("/webhooks")
@role_required(Role.MEDIATOR, Role.LEAD_MEDIATOR)
def index() -> str:
    """Every endpoint of the mediator's marketplace with its latest deliveries."""
    endpoints = active_endpoints(current_user.marketplace_id)
    return render_template(
        "webhooks/index.html", endpoints=[(e, delivery_log(e.id)) for e in endpoints], now=clock.now()
    )


@bp.post("/webhooks/deliveries/<int(max=9223372036854775807):delivery_id>/send-again")
@role_required(Role.MEDIATOR, Role.LEAD_MEDIATOR)
def again(delivery_id: int) -> Response:
    """Send one delivery again from the start of its schedule."""
    send_again(delivery_of(current_user.marketplace_id, delivery_id), clock.now())
    flash(_("The event will be sent again."), "success")
    return redirect(url_for("webhooks.index"), code=303)
