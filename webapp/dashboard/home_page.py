"""The home page: each role starts where its work is."""

from __future__ import annotations

from flask import Blueprint, redirect, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from webapp.core import clock, htmx
from webapp.core.formatting import money
from webapp.dashboard.party import STAGE_CHOICES, HomeFilters, party_home

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def index() -> Response:
    """Mediators go to their queue; buyers and sellers see the disputes waiting on them first (H3)."""
    if current_user.is_mediator:
        return redirect(url_for("mediation.queue"), code=303)
    now = clock.now()
    filters = HomeFilters.from_args(request.args)
    return htmx.render_partial_or_page(
        "dashboard/_home_results.html",
        "dashboard/home.html",
        home=party_home(current_user, filters, now),
        filters=filters,
        stages=STAGE_CHOICES,
        now=now,
        money=money,
    )
