"""The home page: each role starts where its work is."""

from __future__ import annotations

from flask import Blueprint, redirect, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from webapp.accounts.models import Role

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def index() -> Response:
    """Mediators start at the queue of escalated disputes; buyers and sellers at their orders."""
    target = "mediation.queue" if current_user.role == Role.MEDIATOR else "orders.index"
    return redirect(url_for(target), code=303)
