"""Checks on every request: rate limits, and the client's address behind trusted proxies."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from webapp.core import rate_limits


def register(app: Flask) -> None:
    """Install the rate limiter and the proxy settings."""
    hops = int(app.config.get("TRUSTED_PROXY_HOPS", 0))
    if hops:
        # The address the rate limits count by, and the scheme, as the proxies in front saw them.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    rate_limits.init_app(app)
