"""The header's language switch: the choice is kept on the account, or in a cookie before logging in."""

from __future__ import annotations

from flask import Blueprint, abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp.accounts.routes import safe_next
from webapp.core import htmx
from webapp.core.i18n import LANGUAGE_COOKIE, supported

bp = Blueprint("language", __name__)

A_YEAR = 365 * 24 * 3600
LONGEST_PATH = 2000  # a page of this site is never further away than that


@bp.post("/language")
def choose() -> Response:
    """Remember the language chosen in the header and go back to the page it was chosen on."""
    language = supported(request.form.get("language"))
    if language is None:
        abort(400, description=_("Choose one of the languages the page offers."))
    asked_back = request.form.get("next") or ""
    if len(asked_back) > LONGEST_PATH:
        abort(400, description=_("The page to go back to is not an address of this site."))
    back = safe_next(asked_back) or url_for("home.index")
    # A whole page load: <html lang> and the countdown's words are outside what a boosted swap replaces.
    response = htmx.redirect_or_refresh(back, full_reload=True)
    if current_user.is_authenticated:
        current_user.locale = language  # committed with the request (core.responses)
    response.set_cookie(
        LANGUAGE_COOKIE, language, max_age=A_YEAR, samesite="Lax", httponly=True, secure=request.is_secure
    )
    return response
