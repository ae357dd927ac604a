"""Where a one-click login link lands: the person is logged in and goes to their dispute or home."""

from __future__ import annotations

from flask import Blueprint, abort, redirect
from flask_login import login_user
from werkzeug.wrappers import Response

from dispute_engine.words import N_, Words
from webapp.accounts.login_links import use_link
from webapp.accounts.routes import DISABLED, start_new_session
from webapp.core import clock

bp = Blueprint("login_links", __name__)

SPENT = Words(
    N_("This login link was used already or has expired. Go back to the marketplace for a new one.")
)


@bp.get("/login/link/<token>")
def follow(token: str) -> Response:
    """Log in with a link (valid 5 minutes, once), then land where the marketplace asked."""
    found = use_link(token[:100], clock.now())
    if found is None:
        abort(410, description=SPENT)
    user, next_path = found
    if not user.is_active:
        abort(403, description=DISABLED)
    start_new_session()  # whoever was logged in here before, and their CSRF token, are gone
    login_user(user)
    return redirect(next_path, code=303)
