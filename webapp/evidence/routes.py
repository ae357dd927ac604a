"""The evidence locker's pages and actions: upload, caption, remove, pin, view, and the media files."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from dispute_engine import Action, Actor, FormInvalid, RuleViolation, allowed_actions
from webapp.core import clock, htmx
from webapp.core.extensions import db
from webapp.core.refusals import refusal_of
from webapp.core.request_limits import FileTooLarge
from webapp.core.responses import render_error
from webapp.core.uploads import uploads_from_request
from webapp.disputes.facts import dispute_facts
from webapp.disputes.models import Dispute
from webapp.disputes.pipeline import DisputeNotFound, perform, viewable_dispute
from webapp.disputes.steps import ActionContext, Done
from webapp.evidence import locker, media_files
from webapp.evidence.access import locker_stamp, may_download_original, visible_item
from webapp.evidence.models import EvidenceItem
from webapp.evidence.services import ACCEPTED, limits

bp = Blueprint("evidence", __name__)


def _to_dispute(dispute_id: int, message: str) -> Response:
    flash(message, "success")
    return redirect(url_for("disputes.show", dispute_id=dispute_id, _anchor="evidence"), code=303)


def shown_items(dispute: Dispute, actor: Actor) -> list[EvidenceItem]:
    """The items the actor sees in the locker: removed ones only for the mediator (E2)."""
    items = db.session.scalars(
        db.select(EvidenceItem).where(EvidenceItem.dispute_id == dispute.id).order_by(EvidenceItem.id)
    )
    return [item for item in items if actor is Actor.MEDIATOR or not item.is_removed]


def locker_context(dispute: Dispute, actor: Actor) -> dict[str, Any]:
    """What the locker part shows, and nothing else of the page."""
    evidence = shown_items(dispute, actor)
    now = clock.now()
    return {
        "A": Action,
        "dispute": dispute,
        "actor": actor,
        "evidence": evidence,
        "locker_stamp": locker_stamp(dispute, evidence),
        "allowed": allowed_actions(dispute_facts(dispute), actor, now),
    }


def _locker_part(dispute_id: int, *, oob: bool = False) -> str:
    dispute, actor = viewable_dispute(current_user, dispute_id, clock.now())
    return render_template("disputes/_evidence.html", oob=oob, **locker_context(dispute, actor))


@bp.post("/disputes/<int:dispute_id>/evidence")
@login_required
def upload(dispute_id: int) -> Response:
    """Add photos and videos (E1). With htmx each file comes alone and gets its own row back."""
    files = uploads_from_request()
    caption = request.form.get("caption", "")

    def add(ctx: ActionContext) -> Done:
        return locker.add_evidence(ctx, files, caption)

    if not htmx.wants_partial():
        items = perform(current_user, dispute_id, Action.ADD_EVIDENCE, clock.now(), add)
        return _to_dispute(dispute_id, f"{len(items)} file(s) added. They are being prepared for viewing.")
    name = files[0].filename if files else "The file"
    try:
        items = perform(current_user, dispute_id, Action.ADD_EVIDENCE, clock.now(), add)
    except (FormInvalid, RuleViolation) as error:
        # Each file has its own row on the page: the refusal goes in that row, not the whole page.
        db.session.rollback()
        refusal = refusal_of(error)
        row = render_template("evidence/_upload_row.html", name=name, refused=refusal.message)
        return htmx.vary(make_response(row, refusal.status))
    row = render_template("evidence/_upload_row.html", name=name, items=items)
    return htmx.vary(make_response(row + _locker_part(dispute_id, oob=True)))


@bp.errorhandler(FileTooLarge)
def file_too_large(error: FileTooLarge) -> Response:
    """A file refused while it streamed in: in its own upload row for htmx, else the error page."""
    if request.endpoint != "evidence.upload" or not htmx.wants_partial():
        return render_error(error)
    row = render_template("evidence/_upload_row.html", name=error.filename, refused=error.description)
    return htmx.vary(make_response(row, error.code))


@bp.get("/disputes/<int:dispute_id>/locker")
@login_required
def locker_part(dispute_id: int) -> Response:
    """The locker for its poll: an empty 204 while it is as the page shows it."""
    if not htmx.wants_partial():
        return redirect(url_for("disputes.show", dispute_id=dispute_id, _anchor="evidence"), code=303)
    dispute, actor = viewable_dispute(current_user, dispute_id, clock.now())
    context = locker_context(dispute, actor)
    if request.args.get("stamp") == context["locker_stamp"]:
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
    same_party = [i for i in shown_items(dispute, actor) if i.party is item.party]
    at = same_party.index(item)
    return render_template(
        "evidence/viewer.html",
        item=item,
        previous=same_party[at - 1] if at > 0 else None,
        next_item=same_party[at + 1] if at + 1 < len(same_party) else None,
        position=at + 1,
        count=len(same_party),
        original_allowed=may_download_original(item, actor, current_user),
        dispute=dispute,
        actor=actor,
    )


def _item_action(
    dispute_id: int, action: Action, done: str, change: Callable[[ActionContext], Done]
) -> Response:
    perform(current_user, dispute_id, action, clock.now(), change)
    if not htmx.wants_partial():
        return _to_dispute(dispute_id, done)
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


@bp.app_context_processor
def upload_limits() -> dict[str, object]:
    """The accepted formats and limits, for every upload field's hint."""
    return {"evidence_accepted": ACCEPTED, "evidence_limits": limits}
