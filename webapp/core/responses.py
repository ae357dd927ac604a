"""What every response gets: friendly error pages and security headers."""

from __future__ import annotations

from flask import Flask, Response, make_response
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.wrappers import Response as WerkzeugResponse

from dispute_engine.words import N_, Words
from webapp.core import htmx, refusals
from webapp.core.extensions import db

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
    "style-src 'self'; script-src 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def _said(title: str, explanation: str) -> tuple[str, str]:
    return Words(title), Words(explanation)


# (title, explanation) shown when the code that aborted gave no description of its own.
FRIENDLY: dict[int, tuple[str, str]] = {
    400: _said(N_("That request didn't work"), N_("Something was missing or out of date. Reload and retry.")),
    401: _said(N_("Please log in"), N_("You need to log in to see this page.")),
    403: _said(N_("You can't open this"), N_("Your account doesn't have access to this page or action.")),
    404: _said(N_("Page not found"), N_("The page may have moved, or the link may be mistyped.")),
    405: _said(N_("That action isn't possible here"), N_("This page doesn't accept that kind of request.")),
    409: _said(N_("This changed in the meantime"), N_("Someone updated it first. Reload to see the latest.")),
    413: _said(N_("That file is too large"), N_("Choose a smaller file and try again.")),
    422: _said(N_("Some details need fixing"), N_("Check the form for problems and try again.")),
    429: _said(
        N_("Please slow down"),
        N_("You did this many times in a short time. Wait a few minutes, then try again."),
    ),
    500: _said(N_("Something went wrong on our side"), N_("We've been notified. Please try again shortly.")),
}
GENERIC = _said(N_("That didn't work"), N_("Please go back and try again."))


def register(app: Flask) -> None:
    """Install the error handlers and the security-header hook on `app`."""
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_server_error)
    app.after_request(add_security_headers)
    app.after_request(commit_on_success)


def commit_on_success(response: Response) -> Response:
    """One commit per request: keep what a successful request did, drop what a refused one flushed."""
    if response.status_code < 400:
        db.session.commit()
    else:
        db.session.rollback()
    return response


def error_text(error: HTTPException) -> tuple[str, str]:
    """Return the (title, explanation) to show for an HTTP error."""
    title, explanation = FRIENDLY.get(error.code or 500, GENERIC)
    if isinstance(error, CSRFError):
        return title, Words(N_("This form has expired. Reload the page and try again."))
    # Werkzeug's stock descriptions are technical; a description passed to abort() is ours.
    if error.description and error.description != type(error).description:
        explanation = error.description
    return title, explanation


def render_error(error: HTTPException) -> Response:
    """Render the error page (or, for an htmx fragment request, the error fragment)."""
    code = error.code or 500
    title, explanation = error_text(error)
    response = htmx.render_partial_or_page(
        "_error.html", "errors.html", code=code, title=title, explanation=explanation
    )
    response.status_code = code
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    if htmx.wants_partial():
        # A fragment target could be anything; show the error where the user will see it.
        htmx.retarget(response, "#main", reswap="innerHTML")
    return response


def handle_http_error(error: HTTPException) -> HTTPException | WerkzeugResponse:
    """Render friendly pages for 4xx errors; let redirects raised by routing pass."""
    if error.code is None or error.code < 400:
        return error
    if error.code == 429:
        # Too many requests: shown where the action was taken (the dispute page's status line).
        return refusals.show(refusals.Refusal(429, *error_text(error)))
    return render_error(error)


def handle_server_error(error: InternalServerError) -> Response:
    """Render the 500 page, falling back to plain text if rendering fails too."""
    db.session.rollback()
    try:
        return render_error(error)
    except Exception:
        title, explanation = FRIENDLY[500]
        return make_response(f"{title}. {explanation}", 500, {"Content-Type": "text/plain"})


def add_security_headers(response: Response) -> Response:
    """Add the CSP and the other security headers unless a view chose its own."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
