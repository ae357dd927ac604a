"""The /api/v1 blueprint: Bearer API keys with scopes, a per-key rate limit, and problem+json errors."""

from __future__ import annotations

import threading
import time
from typing import Any

from apiflask import APIBlueprint, HTTPTokenAuth
from flask import Flask, current_app, g, request
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.wrappers import Response

from webapp.api.problems import problem, refusal_problem
from webapp.core import clock, responses
from webapp.core.extensions import csrf
from webapp.core.refusals import REFUSED
from webapp.marketplaces.keys import SCOPES, ApiKey, authenticate
from webapp.marketplaces.models import Marketplace

PREFIX = "/api/v1"
bp = APIBlueprint("api", __name__, url_prefix=PREFIX, tag="API")
auth = HTTPTokenAuth(scheme="Bearer", description="An API key: `Authorization: Bearer dk_<key id>_<secret>`.")
csrf.exempt(bp)  # no cookies here: the API key is the credential


@auth.verify_token
def _verify(token: str) -> ApiKey | None:
    key = authenticate(token or "", clock.now())
    if key is not None:
        g.api_key = key
    return key


@auth.get_user_roles
def _scopes(key: ApiKey) -> list[str]:
    return sorted(key.scope_set)


@auth.error_processor
def _auth_error(error: Any) -> Response:
    if error.status_code == 403:
        return problem(403, "This API key lacks the scope this call needs.", kind="missing-scope")
    return problem(
        401,
        "Send a valid, unrevoked API key as `Authorization: Bearer <key>`.",
        kind="unauthorized",
        headers={"WWW-Authenticate": 'Bearer realm="api"'},
    )


def scope(name: str) -> Any:
    """The decorator that requires an API key with scope `name`."""
    assert name in SCOPES, name
    return bp.auth_required(auth, roles=[name])


def current_key() -> ApiKey:
    """The API key of this request."""
    return g.api_key


def marketplace() -> Marketplace:
    """The marketplace this request acts for: every query of the API is scoped to it."""
    return current_key().marketplace


class RateLimit:
    """A fixed one-minute window per API key, in this process (a simple guard, not a quota)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[int, int]] = {}

    def hit(self, key_id: str, limit: int, now: float) -> int | None:
        """Count one request; the seconds to wait when the key is over its limit, else None."""
        window = int(now // 60)
        with self._lock:
            start, count = self._windows.get(key_id, (window, 0))
            count = count + 1 if start == window else 1
            self._windows[key_id] = (window, count)
            if len(self._windows) > 10_000:  # forget old windows now and then
                self._windows = {k: v for k, v in self._windows.items() if v[0] == window}
        return None if count <= limit else 60 - int(now % 60)


_limits = RateLimit()


@bp.after_request
def _rate_limit_headers(response: Response) -> Response:
    if "api_limit_remaining" in g:
        response.headers["RateLimit-Remaining"] = str(g.api_limit_remaining)
    return response


@bp.before_request
def _refuse_nul_in_path() -> Response | None:
    """No object's id contains a NUL character (and no database could look one up)."""
    if any("\x00" in str(value) for value in (request.view_args or {}).values()):
        return problem(404, "There is no such object in this marketplace.", kind="not-found")
    return None


@bp.before_request
def _rate_limit() -> Response | None:
    token = (request.headers.get("Authorization") or "").removeprefix("Bearer ").strip()
    key_id = token.split("_")[1] if token.count("_") >= 2 else ""
    limit = int(current_app.config.get("API_RATE_LIMIT", 600))
    if not key_id or limit <= 0:
        return None
    wait = _limits.hit(key_id, limit, time.monotonic())
    if wait is not None:
        return problem(
            429,
            f"More than {limit} requests a minute with this API key; wait {wait} s.",
            kind="rate-limited",
            headers={"Retry-After": str(wait)},
        )
    return None


def _is_api() -> bool:
    return request.path == PREFIX or request.path.startswith(PREFIX + "/")


def _http_error(error: HTTPException) -> Any:
    """API paths get problem documents (even for unknown routes); every other path its page."""
    if not _is_api() or error.code is None or error.code < 400:
        return responses.handle_http_error(error)
    detail = error.description if error.description != type(error).description else ""
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    if error.code == 400 and not detail:
        detail = "The request could not be read: send a JSON body with Content-Type: application/json."
    return problem(error.code, detail or (error.name + "."), headers=headers)


def _server_error(error: InternalServerError) -> Any:
    if not _is_api():
        return responses.handle_server_error(error)
    from webapp.core.extensions import db

    db.session.rollback()
    return problem(500, "Something went wrong on our side; nothing was saved. Try again shortly.")


# Refusals raised in API views become problem documents (blueprint handlers win over the pages').
for _kind in REFUSED:
    bp.register_error_handler(_kind, refusal_problem)


def register(app: Flask) -> None:
    """HTTP errors on API paths (unknown routes too) become problem documents; APIFlask's errors too."""
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(InternalServerError, _server_error)

    # Set directly: APIFlask's error_processor() would also take over every page's HTTP errors.
    app.error_callback = _apiflask_error  # type: ignore[attr-defined]


def _apiflask_error(error: Any) -> Response:
    """Validation errors and aborts from APIFlask, as problems with one message per field."""
    errors: dict[str, str] = {}
    for _location, fields in (error.detail or {}).items():
        if isinstance(fields, dict):
            for field, messages in fields.items():
                errors[str(field)] = " ".join(_flatten(messages))
    if error.status_code == 422 and errors:
        said = "; ".join(f"{k}: {v}" for k, v in errors.items())
        return problem(422, f"Some fields need fixing: {said}", kind="invalid", errors=errors)
    return problem(error.status_code, error.message or "That request did not work.")


def _flatten(messages: Any) -> list[str]:
    if isinstance(messages, str):
        return [messages]
    if isinstance(messages, dict):
        return [f"{k}: {m}" for k, v in messages.items() for m in _flatten(v)]
    return [m for item in messages for m in _flatten(item)]
