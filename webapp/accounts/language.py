"""The header's language switch: the choice is kept on the account, or in a cookie before logging in."""

from __future__ import annotations

from flask import Blueprint, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp.accounts.routes import safe_next
from webapp.core import htmx
from webapp.core.i18n import LANGUAGE_COOKIE, supported

bp = Blueprint("language", __name__)

A_YEAR = 365 * 24 * 3600


@bp.post("/language")
def choose() -> Response:
    """Remember the language chosen in the header and go back to the page it was chosen on."""
    language = supported(request.form.get("language"))
    back = safe_next(request.form.get("next")) or url_for("home.index")
    # A whole page load: <html lang> and the countdown's words are outside what a boosted swap replaces.
    response = htmx.redirect_or_refresh(back, full_reload=True)
    if language is None:
        return response  # an unknown value changes nothing; the page stays as it was
    if current_user.is_authenticated:
        current_user.locale = language  # committed with the request (core.responses)
    response.set_cookie(
        LANGUAGE_COOKIE, language, max_age=A_YEAR, samesite="Lax", httponly=True, secure=request.is_secure
    )
    return response
