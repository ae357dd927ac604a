"""The home page (a placeholder until the dashboards replace it)."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def index() -> str:
    """Greet the logged-in user."""
    return render_template("home/index.html", user=current_user)
