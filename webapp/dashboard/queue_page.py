"""The mediator's queue of escalated disputes, ordered by when the mediator must act (M1, M7, M8)."""

from __future__ import annotations

from flask import Blueprint, request
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp.accounts.access import role_required
from webapp.accounts.models import Role
from webapp.core import clock, htmx
from webapp.core.formatting import money
from webapp.dashboard.queue import (
    HOLDER_CHOICES,
    STATUS_CHOICES,
    TIER_CHOICES,
    QueueFilters,
    mediator_queue,
    policy_choices,
)

bp = Blueprint("mediation", __name__)


@bp.get("/mediation")
@role_required(Role.MEDIATOR, Role.LEAD_MEDIATOR)
def queue() -> Response:
    """Escalated disputes, soonest due first, counted by M1 status; filters: policy, tier, status, holder."""
    now = clock.now()
    filters = QueueFilters.from_args(request.args)
    return htmx.render_partial_or_page(
        "dashboard/_queue_results.html",
        "mediation/queue.html",
        queue=mediator_queue(filters, now, current_user),
        filters=filters,
        policies=policy_choices(),
        tiers=TIER_CHOICES,
        statuses=STATUS_CHOICES,
        holders=HOLDER_CHOICES,
        now=now,
        money=money,
    )
