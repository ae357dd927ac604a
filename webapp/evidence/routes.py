"""The evidence locker's pages and actions: upload, caption, remove, pin, view, and the media files."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from dispute_engine import Action, FormInvalid, NotPermitted, RuleViolation, allowed_actions
from webapp.core import clock, htmx
from webapp.core.extensions import db
from webapp.disputes.errors import not_found_page
from webapp.disputes.facts import dispute_facts
from webapp.disputes.pipeline import ActionContext, DisputeNotFound, begin, viewable_dispute
from webapp.disputes.routes import uploads_from_request
from webapp.disputes.views import page_context
from webapp.evidence import locker, media_files
from webapp.evidence.access import locker_stamp, may_download_original, visible_item
from webapp.evidence.services import ACCEPTED, limits

bp = Blueprint("evidence", __name__)


def _to_dispute(dispute_id: int, message: str) -> Response:
    flash(message, "success")
    return redirect(url_for("disputes.show", dispute_id=dispute_id, _anchor="evidence"), code=303)


def _locker_part(dispute_id: int, *, oob: bool = False) -> str:
    now = clock.now()
    dispute, actor = viewable_dispute(current_user, dispute_id, now)
    return render_template("disputes/_evidence.html", oob=oob, **page_context(dispute, actor, now))


@bp.post("/disputes/<int:dispute_id>/evidence")
@login_required
def upload(dispute_id: int) -> Response:
    """Add photos and videos (E1). With htmx each file comes alone and gets its own row back."""
    files = uploads_from_request()
    if not htmx.wants_partial():
        ctx = begin(current_user, dispute_id, Action.ADD_EVIDENCE, clock.now(), version=None)
        items = locker.add_evidence(ctx, files, request.form.get("caption", ""))
        return _to_dispute(dispute_id, f"{len(items)} file(s) added. They are being prepared for viewing.")
    name = files[0].filename if files else "The file"
    try:
        ctx = begin(current_user, dispute_id, Action.ADD_EVIDENCE, clock.now(), version=None)
        items = locker.add_evidence(ctx, files, request.form.get("caption", ""))
    except (FormInvalid, RuleViolation, NotPermitted) as refusal:
        db.session.rollback()
        reason = " ".join(refusal.errors.values()) if isinstance(refusal, FormInvalid) else refusal.message
        row = render_template("evidence/_upload_row.html", name=name, refused=reason)
        status = (
            422 if isinstance(refusal, FormInvalid) else 409 if isinstance(refusal, RuleViolation) else 403
        )
        return htmx.vary(make_response(row, status))
    db.session.flush()
    row = render_template("evidence/_upload_row.html", name=name, items=items)
    return htmx.vary(make_response(row + _locker_part(dispute_id, oob=True)))


@bp.get("/disputes/<int:dispute_id>/locker")
@login_required
def locker_part(dispute_id: int) -> Response:
    """The locker for its poll: an empty 204 while it is as the page shows it."""
    if not htmx.wants_partial():
        return redirect(url_for("disputes.show", dispute_id=dispute_id, _anchor="evidence"), code=303)
    now = clock.now()
    dispute, actor = viewable_dispute(current_user, dispute_id, now)
    context = page_context(dispute, actor, now)
    if request.args.get("stamp") == locker_stamp(dispute, context["evidence"]):
        return Response(status=204)
    return htmx.vary(make_response(render_template("disputes/_evidence.html", **context)))


@bp.get("/evidence/<item_uuid>/card")
@login_required
def card(item_uuid: str) -> Response:
    """One item's card: polled while its processing runs, so the bar moves and the thumbnail appears."""
    now = clock.now()
    item, dispute, actor = visible_item(current_user, item_uuid, now)
    if not htmx.wants_partial():
        return redirect(url_for("evidence.viewer", dispute_id=dispute.id, item_uuid=item.uuid), code=303)
    allowed = allowed_actions(dispute_facts(dispute), actor, now)
    html = render_template(
        "evidence/_card.html", item=item, dispute=dispute, actor=actor, allowed=allowed, A=Action
    )
    return htmx.vary(make_response(html))


@bp.get("/disputes/<int:dispute_id>/evidence/<item_uuid>")
@login_required
def viewer(dispute_id: int, item_uuid: str) -> str:
    """One item at full size (photo at display size, or the video player), with previous and next."""
    now = clock.now()
    item, dispute, actor = visible_item(current_user, item_uuid, now)
    if dispute.id != dispute_id:
        raise DisputeNotFound(dispute_id)
    context = page_context(dispute, actor, now)
    same_party = [i for i in context["evidence"] if i.party is item.party]
    at = same_party.index(item)
    return render_template(
        "evidence/viewer.html",
        item=item,
        previous=same_party[at - 1] if at > 0 else None,
        next_item=same_party[at + 1] if at + 1 < len(same_party) else None,
        position=at + 1,
        count=len(same_party),
        original_allowed=may_download_original(item, actor, current_user),
        **context,
    )


def _item_action(
    dispute_id: int, action: Action, done: str, change: Callable[[ActionContext], object]
) -> Response:
    ctx = begin(current_user, dispute_id, action, clock.now(), version=None)
    change(ctx)
    if not htmx.wants_partial():
        return _to_dispute(dispute_id, done)
    db.session.flush()
    return htmx.vary(make_response(_locker_part(dispute_id)))


@bp.post("/disputes/<int:dispute_id>/evidence/<item_uuid>/caption")
@login_required
def caption(dispute_id: int, item_uuid: str) -> Response:
    """Give an item a caption."""
    text = request.form.get("caption", "")
    return _item_action(
        dispute_id,
        Action.ADD_EVIDENCE,
        "The caption was saved.",
        lambda c: locker.set_caption(c, item_uuid, text),
    )


@bp.post("/disputes/<int:dispute_id>/evidence/<item_uuid>/remove")
@login_required
def remove(dispute_id: int, item_uuid: str) -> Response:
    """Hide an item from the locker; it is kept and the mediator still sees it (E2)."""
    return _item_action(
        dispute_id,
        Action.REMOVE_EVIDENCE,
        "The item was removed from your evidence.",
        lambda c: locker.remove_item(c, item_uuid),
    )


@bp.post("/disputes/<int:dispute_id>/messages/<int:message_id>/pin")
@login_required
def pin(dispute_id: int, message_id: int) -> Response:
    """Pin a thread message into the actor's evidence, where the mediator sees it (N7)."""
    ctx = begin(current_user, dispute_id, Action.PIN_MESSAGE, clock.now(), version=None)
    locker.pin_message(ctx, message_id)
    if not htmx.wants_partial():
        return _to_dispute(dispute_id, "The message was pinned to your evidence.")
    db.session.flush()
    context = page_context(ctx.dispute, ctx.actor, ctx.now)
    body = render_template("disputes/_thread_messages.html", **context)
    body += render_template("disputes/_evidence.html", oob=True, **context)
    return htmx.vary(make_response(body))


@bp.get("/evidence/<item_uuid>/<variant>")
@login_required
def media(item_uuid: str, variant: str) -> Response:
    """A stored file of the item, after the access check: a short-lived link, or the bytes (E4)."""
    item, _dispute, actor = visible_item(current_user, item_uuid, clock.now())
    if variant == "original":
        if not may_download_original(item, actor, current_user):
            abort(
                403,
                description="Only the person who added this file and the mediator can download its original.",
            )
        return media_files.original(item)
    return media_files.derived(item, variant)


@bp.app_errorhandler(locker.ItemNotFound)
def item_not_found(error: locker.ItemNotFound) -> tuple[str, int]:
    """Unknown, removed or foreign items look the same from outside: 404."""
    return not_found_page("There is no such evidence item, or it is not yours to see.")


@bp.app_context_processor
def upload_limits() -> dict[str, object]:
    """The accepted formats and limits, for every upload field's hint."""
    return {"evidence_accepted": ACCEPTED, "evidence_limits": limits}
