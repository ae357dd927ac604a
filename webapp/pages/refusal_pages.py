"""A refusal on the dispute page is shown on the dispute page: the parts again, with the fields' errors."""

from __future__ import annotations

from flask import Flask, make_response, render_template, request
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp.core import clock, htmx
from webapp.core.refusals import Refusal, add_renderer
from webapp.disputes.pipeline import DisputeNotFound, viewable_dispute
from webapp.pages.dispute_context import PARTS, page_context


def dispute_page_refusal(refusal: Refusal) -> Response | None:
    """The dispute page (or, for htmx, its parts) with the refusal; None outside a dispute's routes."""
    dispute_id = (request.view_args or {}).get("dispute_id")
    if refusal.status == 404 or dispute_id is None or not current_user.is_authenticated:
        return None
    try:
        now = clock.now()
        dispute, actor = viewable_dispute(current_user, dispute_id, now)
    except DisputeNotFound:
        return None
    context = {
        **page_context(dispute, actor, now),
        "error": refusal.message,
        "errors": refusal.errors,
        "submitted": request.form,
        "refused": (request.view_args or {}).get("name"),  # which action's form to fill back in
    }
    if not htmx.wants_partial():
        return make_response(render_template("disputes/show.html", **context), refusal.status)
    body = render_template("disputes/_changed.html", parts=PARTS, **context)
    if (request.view_args or {}).get("name") == "message":
        body += render_template("disputes/_thread_form.html", oob=True, **context)
    # The refusal goes in the status line; every part comes back with its field errors.
    return htmx.retarget(make_response(body, refusal.status), "#dispute-status", reswap="innerHTML")


def register(app: Flask) -> None:
    """Show refusals of dispute actions in context."""
    add_renderer(app, dispute_page_refusal)
