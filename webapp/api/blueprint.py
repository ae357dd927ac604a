"""The /api/v1 blueprint: Bearer API keys with scopes, a per-key rate limit, and problem+json errors."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint, HTTPTokenAuth
from flask import Flask, g, request
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.wrappers import Response

from webapp.api.problems import problem, refusal_problem
from webapp.core import clock, responses
from webapp.core.extensions import csrf
from webapp.core.rate_limits import per_credential, wait_words
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


@bp.before_request
def _refuse_nul_in_path() -> Response | None:
    """No object's id contains a NUL character (and no database could look one up)."""
    if any("\x00" in str(value) for value in (request.view_args or {}).values()):
        return problem(404, "There is no such object in this marketplace.", kind="not-found")
    return None


def _key_id() -> str | None:
    """The key id named by the request's Authorization header (counted only once it authenticates)."""
    token = (request.headers.get("Authorization") or "").removeprefix("Bearer ").strip()
    return token.split("_")[1] if token.count("_") >= 2 else None


# Counted by Flask-Limiter in RATELIMIT_STORAGE_URI: Redis in production, so every web process shares it.
per_credential(
    "API_RATE_LIMIT",
    _key_id,
    lambda limit: f"More than {limit} requests a minute with this API key; wait {wait_words()}.",
)(bp)


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
