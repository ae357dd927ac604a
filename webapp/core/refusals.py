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
from dispute_engine.words import N_, Words
from webapp.core import htmx
from webapp.core.extensions import db
from webapp.core.words import joined


class NotFound(LookupError):
    """Missing, or not this person's to see: both look the same from outside (E4)."""

    explanation: str = Words(N_("There is no such page, or it is not yours to see."))


class Conflict(Exception):
    """Someone else acted first; nothing was done."""


STALE = Words(
    N_(
        "The dispute changed while you were looking at it (the other party acted first). "
        "Nothing was done: look at the page again and decide."
    )
)
PAGE_NOT_FOUND = Words(N_("Page not found"))
THE_DISPUTE_CHANGED = Words(N_("The dispute changed"))


@dataclass(frozen=True)
class Refusal:
    """A refusal as a person reads it: status, title, message and the fields it is about.

    The texts are English strs that are mostly `Words`: pages say them in the reader's language
    (templates do it by themselves), the API sends the English.
    """

    status: int
    title: str
    message: str
    errors: dict[str, str] = field(default_factory=dict)


def refusal_of(error: Exception) -> Refusal:
    """The status and words for a refusal raised anywhere in the app."""
    if isinstance(error, NotFound):
        return Refusal(404, PAGE_NOT_FOUND, error.explanation)
    if isinstance(error, NotPermitted):
        return Refusal(403, Words(N_("That is not yours to do")), error.words)
    if isinstance(error, RuleViolation):
        return Refusal(409, Words(N_("That cannot be done now")), error.words)
    if isinstance(error, Conflict):
        said = error.args[0] if error.args and isinstance(error.args[0], str) else STALE
        return Refusal(409, THE_DISPUTE_CHANGED, said)
    if isinstance(error, StaleDataError):
        return Refusal(409, THE_DISPUTE_CHANGED, STALE)
    if isinstance(error, FormInvalid):
        errors: dict[str, str] = dict(error.words)
        return Refusal(422, Words(N_("Some details need fixing")), joined(list(errors.values())), errors)
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
    return error_page(Refusal(404, PAGE_NOT_FOUND, explanation))


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
