"""Turn refusals into pages a person understands: 404, 403, 409, 422, never a 500; nothing half-saved."""

from __future__ import annotations

from flask import Flask, make_response, render_template, request
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from dispute_engine import FormInvalid, NotPermitted, RuleViolation
from webapp.core import clock, htmx
from webapp.core.extensions import db
from webapp.disputes.opening import OrderNotFound
from webapp.disputes.pipeline import DisputeNotFound, StaleDispute, viewable_dispute
from webapp.disputes.views import page_context

Rendered = tuple[str, int] | Response


def _render(status: int, title: str, message: str, errors: dict[str, str] | None = None) -> Rendered:
    # Whatever the failed action flushed must not be shown, and must not be committed.
    db.session.rollback()
    dispute_id = (request.view_args or {}).get("dispute_id")
    if dispute_id is not None and current_user.is_authenticated:
        try:
            now = clock.now()
            dispute, actor = viewable_dispute(current_user, dispute_id, now)
        except DisputeNotFound:
            pass
        else:
            context = {
                **page_context(dispute, actor, now),
                "error": message,
                "errors": errors or {},
                "submitted": request.form,
            }
            if htmx.wants_partial():
                return _parts_with_error(status, context)
            return render_template("disputes/show.html", **context), status
    response = htmx.render_partial_or_page(
        "_error.html", "errors.html", code=status, title=title, explanation=message
    )
    return response.get_data(as_text=True), status


def _parts_with_error(status: int, context: dict[str, object]) -> Response:
    """For htmx: the refusal in the status line, and every part re-rendered with its field errors."""
    from webapp.disputes.routes import PARTS  # the routes module imports this one's neighbours

    body = render_template("disputes/_changed.html", parts=PARTS, **context)
    if (request.view_args or {}).get("name") == "message":
        body += render_template("disputes/_thread_form.html", oob=True, **context)
    response = make_response(body, status)
    return htmx.retarget(response, "#dispute-status", reswap="innerHTML")


def not_found_page(explanation: str) -> tuple[str, int]:
    """A 404 that looks the same whether the thing is missing or not yours (E4); nothing kept."""
    db.session.rollback()
    response = htmx.render_partial_or_page(
        "_error.html", "errors.html", code=404, title="Page not found", explanation=explanation
    )
    return response.get_data(as_text=True), 404


def register(app: Flask) -> None:
    """Install the handlers for the domain's refusals."""

    @app.errorhandler(DisputeNotFound)
    @app.errorhandler(OrderNotFound)
    def not_found(error: LookupError) -> tuple[str, int]:
        return not_found_page("There is no such dispute or order, or it is not yours to see.")

    @app.errorhandler(NotPermitted)
    def not_permitted(error: NotPermitted) -> Rendered:
        return _render(403, "That is not yours to do", error.message)

    @app.errorhandler(RuleViolation)
    def rule_violation(error: RuleViolation) -> Rendered:
        return _render(409, "That cannot be done now", error.message)

    @app.errorhandler(StaleDispute)
    def stale(error: StaleDispute) -> Rendered:
        return _render(409, "The dispute changed", str(error))

    @app.errorhandler(StaleDataError)
    def stale_row(error: StaleDataError) -> Rendered:
        return _render(409, "The dispute changed", str(StaleDispute()))

    @app.errorhandler(FormInvalid)
    def invalid(error: FormInvalid) -> Rendered:
        return _render(422, "Some details need fixing", " ".join(error.errors.values()), error.errors)


def commit_on_success(response: Response) -> Response:
    """One commit per request: keep what a successful request did, drop what a refused one flushed."""
    if response.status_code < 400:
        db.session.commit()
    else:
        db.session.rollback()
    return response
