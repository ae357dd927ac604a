"""Checks and headers on every request: same-origin writes, no caching of dispute data, HSTS, rate limits."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, abort, current_app, request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from dispute_engine.words import N_, Words
from webapp.core import rate_limits

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CROSS_SITE = Words(
    N_(
        "This request came from another website, so it was refused. "
        "If you meant to do this, go back to the page on this site and try again."
    )
)
HSTS = "max-age=31536000; includeSubDomains"


def register(app: Flask) -> None:
    """Install the request checks, the response headers, the rate limiter and the proxy settings."""
    hops = int(app.config.get("TRUSTED_PROXY_HOPS", 0))
    if hops:
        # The address the rate limits count by, and the scheme, as the proxies in front saw them.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    app.before_request(refuse_cross_site_writes)
    rate_limits.init_app(app)
    app.after_request(add_privacy_headers)


def is_cross_site() -> bool:
    """True when the browser says a request was made by another site (Sec-Fetch-Site or Origin)."""
    if request.headers.get("Sec-Fetch-Site", "").lower() == "cross-site":
        return True
    origin = request.headers.get("Origin")
    if origin is None:
        return False  # not sent by old browsers and scripts: the CSRF token still has to match
    # "null" comes from sandboxed frames, data: URLs and redirects across sites: never this site.
    return origin == "null" or urlsplit(origin).netloc.lower() != request.host.lower()


def refuse_cross_site_writes() -> None:
    """Refuse a POST, PUT, PATCH or DELETE that another site made, even with a valid CSRF token."""
    if request.method in UNSAFE_METHODS and is_cross_site():
        abort(403, description=CROSS_SITE)


def add_privacy_headers(response: Response) -> Response:
    """No-store on what a logged-in person sees (dispute data); HSTS in production; static files cache."""
    if current_app.config.get("APP_ENV") == "production":
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    private = request.endpoint != "static" and "Cache-Control" not in response.headers
    if private and current_user.is_authenticated:
        response.headers["Cache-Control"] = "no-store"
    return response
