"""Logging in and out."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from flask import Blueprint, current_app, flash, g, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from dispute_engine.words import N_, Words
from webapp.accounts.demo_people import PASSWORD, demo_accounts
from webapp.accounts.forms import LoginForm
from webapp.accounts.models import User, normalise_email
from webapp.core import htmx
from webapp.core.extensions import db, login_manager
from webapp.core.rate_limits import login_limits

bp = Blueprint("accounts", __name__)

WRONG_CREDENTIALS = Words(N_("Email or password is wrong."))
DISABLED = Words(N_("This account is disabled. Ask the platform's support to enable it again."))
# Checked when the email is unknown, so both failures take about as long.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def safe_next(target: str | None) -> str | None:
    """Return `target` if it is a path on this site, else None (no open redirects).

    Browsers drop tabs and newlines from a Location and read a backslash as a slash, so
    "/%09/evil.example" would lead to //evil.example: as given and once percent-decoded, the
    target must start with exactly one slash and hold no backslash and no control character.
    """
    if not target:
        return None
    for text in (target, unquote(target)):
        if not text.startswith("/") or text[1:2] == "/" or "\\" in text or any(map(_is_control, text)):
            return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def _is_control(char: str) -> bool:
    return ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F


@bp.route("/login", methods=["GET", "POST"])
@login_limits
def login() -> ResponseReturnValue:
    """Show the login form; on success go to ?next= or the home page."""
    if current_user.is_authenticated:
        return htmx.redirect_or_refresh(url_for("home.index"))
    form = LoginForm()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return _login_page(form), status

    # Only people with a password log in here (those of a marketplace's API come by login link).
    email = normalise_email(form.email.data)
    user = db.session.scalar(
        select(User).where(User.email == email, User.password_hash != "").order_by(User.id).limit(1)
    )
    if user is None:
        check_password_hash(_DUMMY_HASH, form.password.data)
    if user is None or not user.check_password(form.password.data):
        return _login_page(form, error=WRONG_CREDENTIALS), 400
    if not user.is_active:
        return _login_page(form, error=DISABLED), 403

    start_new_session()
    login_user(user)
    return htmx.redirect_or_refresh(safe_next(request.args.get("next")) or url_for("home.index"))


def _login_page(form: LoginForm, error: str | None = None) -> str:
    """The login form; with the demo data loaded (never in production), also the demo accounts."""

    return render_template(
        "accounts/login.html",
        form=form,
        error=error,
        demo_accounts=demo_accounts(),
        demo_password=PASSWORD,
    )


def start_new_session() -> None:
    """Drop everything the session held before login, the CSRF token too (no session fixation)."""
    session.clear()
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Log out everywhere (POST only; CSRFProtect checks the token): every copy of every session ends."""
    if current_user.is_authenticated:
        current_user.end_sessions()
    logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    return htmx.redirect_or_refresh(url_for("accounts.login"))


@login_manager.unauthorized_handler
def unauthorized() -> ResponseReturnValue:
    """Send anonymous visitors to the login page, then back where they were going."""
    login_url = url_for("accounts.login", next=request.full_path.rstrip("?"))
    if htmx.wants_partial():
        # A 3xx would swap the login page into a fragment; load it as a full page instead.
        return htmx.redirect_or_refresh(login_url, full_reload=True)
    flash(_(str(login_manager.login_message)), login_manager.login_message_category)
    return htmx.redirect_or_refresh(login_url)
