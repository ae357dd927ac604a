"""The one place a refusal becomes a status code: 404, 403, 409 or 422, with words, never a 500.

Features raise; this module maps. A page that can show a refusal in context (the dispute page)
registers a renderer; everything else gets the plain error page. Nothing a refused request
flushed is kept: the session is rolled back before anything is rendered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, current_app
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from dispute_engine import FormInvalid, NotPermitted, RuleViolation
from webapp.core import htmx
from webapp.core.extensions import db


class NotFound(LookupError):
    """Missing, or not this person's to see: both look the same from outside (E4)."""

    explanation = "There is no such page, or it is not yours to see."


class Conflict(Exception):
    """Someone else acted first; nothing was done."""


STALE = (
    "The dispute changed while you were looking at it (the other party acted first). "
    "Nothing was done: look at the page again and decide."
)


@dataclass(frozen=True)
class Refusal:
    """A refusal as a person reads it: status, title, message and the fields it is about."""

    status: int
    title: str
    message: str
    errors: dict[str, str] = field(default_factory=dict)


def refusal_of(error: Exception) -> Refusal:
    """The status and words for a refusal raised anywhere in the app."""
    if isinstance(error, NotFound):
        return Refusal(404, "Page not found", error.explanation)
    if isinstance(error, NotPermitted):
        return Refusal(403, "That is not yours to do", error.message)
    if isinstance(error, RuleViolation):
        return Refusal(409, "That cannot be done now", error.message)
    if isinstance(error, Conflict):
        return Refusal(409, "The dispute changed", str(error) or STALE)
    if isinstance(error, StaleDataError):
        return Refusal(409, "The dispute changed", STALE)
    if isinstance(error, FormInvalid):
        return Refusal(422, "Some details need fixing", " ".join(error.errors.values()), error.errors)
    raise TypeError(f"{type(error).__name__} is not a refusal")


REFUSED = (NotFound, RuleViolation, Conflict, StaleDataError, FormInvalid)
Renderer = Callable[[Refusal], Response | None]
_RENDERERS = "refusal_renderers"


def error_page(refusal: Refusal) -> Response:
    """The plain error page (or its fragment for htmx) for a refusal."""
    response = htmx.render_partial_or_page(
        "_error.html", "errors.html", code=refusal.status, title=refusal.title, explanation=refusal.message
    )
    response.status_code = refusal.status
    return response


def not_found_page(explanation: str) -> Response:
    """A 404 that looks the same whether the thing is missing or not yours (E4); nothing kept."""
    db.session.rollback()
    return error_page(Refusal(404, "Page not found", explanation))


def add_renderer(app: Flask, renderer: Renderer) -> None:
    """Let a page show refusals in context; it returns None for requests that are not its own."""
    app.extensions.setdefault(_RENDERERS, []).append(renderer)


def render(error: Exception) -> Response:
    """Roll back what the refused request flushed, then show the refusal where it happened."""
    return show(refusal_of(error))


def show(refusal: Refusal) -> Response:
    """Roll back what the refused request flushed, then show `refusal` where it happened."""
    db.session.rollback()
    for renderer in current_app.extensions.get(_RENDERERS, []):
        if (response := renderer(refusal)) is not None:
            return response
    return error_page(refusal)


def register(app: Flask) -> None:
    """Install one handler for every kind of refusal."""
    for kind in REFUSED:
        app.register_error_handler(kind, render)
