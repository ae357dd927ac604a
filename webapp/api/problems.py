"""RFC 9457 problem documents: every API error, from refusals (core.refusals) and HTTP errors alike."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask import Response, jsonify
from sqlalchemy.orm.exc import StaleDataError

from dispute_engine import FormInvalid, NotPermitted, RuleViolation
from webapp.core.extensions import db
from webapp.core.refusals import Conflict, NotFound, refusal_of

MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:disputes:problem:"

# The problem document as the OpenAPI document describes every error response.
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "description": "A URN naming the kind of problem."},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string", "description": "What went wrong, in words a person understands."},
        "rule": {"type": "string", "description": "The dispute rule that refused (S1, O2, F1, ...)."},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "Field name to message, for invalid input.",
        },
    },
}


def kind_of(error: Exception) -> str:
    """The problem type's last word for a refusal."""
    if isinstance(error, NotFound):
        return "not-found"
    if isinstance(error, NotPermitted):
        return "not-permitted"
    if isinstance(error, RuleViolation):
        return "rule-violation"
    if isinstance(error, Conflict | StaleDataError):
        return "conflict"
    if isinstance(error, FormInvalid):
        return "invalid"
    return "error"


def problem(
    status: int,
    detail: str,
    *,
    kind: str | None = None,
    title: str | None = None,
    rule: str | None = None,
    errors: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """A problem+json response."""
    body: dict[str, Any] = {
        "type": TYPE_PREFIX + (kind or HTTPStatus(status).phrase.lower().replace(" ", "-")),
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if rule:
        body["rule"] = rule
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.mimetype = MEDIA_TYPE
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def refusal_problem(error: Exception) -> Response:
    """The problem document for a refusal raised by a service: the same mapping as the pages."""
    db.session.rollback()
    refusal = refusal_of(error)
    rule = getattr(error, "rule", None)
    return problem(
        refusal.status,
        refusal.message,
        kind=kind_of(error),
        title=refusal.title,
        rule=rule if isinstance(error, RuleViolation | NotPermitted) else None,
        errors=refusal.errors,
    )
