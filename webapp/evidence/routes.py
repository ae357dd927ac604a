"""The evidence locker's pages and actions: upload, caption, remove, pin, view, and the media files."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from flask_limiter import RateLimitExceeded
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from dispute_engine import Action, Actor, FormInvalid, NotPermitted, RuleViolation, allowed_actions
from dispute_engine.words import N_, Words
from media.keys import readable_name
from webapp.core import clock, htmx
from webapp.core.extensions import db
from webapp.core.rate_limits import per_person
from webapp.core.refusals import Refusal, refusal_of, show
from webapp.core.request_limits import FileTooLarge
from webapp.core.responses import error_text, render_error
from webapp.core.uploads import uploads_from_request
from webapp.disputes.facts import dispute_facts
from webapp.disputes.pipeline import DisputeNotFound, perform, viewable_dispute
from webapp.disputes.steps import ActionContext, Done
from webapp.evidence import locker, media_files
from webapp.evidence.access import may_download_original, visible_item
from webapp.evidence.access_log import log_view, sightings
from webapp.evidence.models import EvidenceItem
from webapp.evidence.services import ACCEPTED, limits
from webapp.evidence.views import locker_context, recheck_after, shown_items

bp = Blueprint("evidence", __name__)


def _to_dispute(dispute_id: int, message: str) -> Response:
    flash(message, "success")
    return redirect(url_for("disputes.show", dispute_id=dispute_id, _anchor="evidence"), code=303)


def _locker_part(dispute_id: int, *, oob: bool = False) -> str:
    """The locker, and the page's poller out of band so it does not fetch what this brings."""
    dispute, actor = viewable_dispute(current_user, dispute_id, clock.now())
    context = locker_context(dispute, actor)
    locker = render_template("disputes/_evidence.html", oob=oob, **context)
    return locker + render_template("disputes/_poller.html", oob=True, **context)


@bp.post("/disputes/<int:dispute_id>/evidence")
@login_required
@per_person("RATELIMIT_UPLOADS", N_("sent many files"), scope="uploads")
def upload(dispute_id: int) -> Response:
    """Add photos and videos (E1). With htmx each file comes alone and gets its own row back."""
    files = uploads_from_request()
    caption = request.form.get("caption", "")

    def add(ctx: ActionContext) -> Done:
        return locker.add_evidence(ctx, files, caption)

    if not htmx.wants_partial():
        items = perform(current_user, dispute_id, Action.ADD_EVIDENCE, clock.now(), add)
        added = ngettext(
            "%(num)s file added. It is being prepared for viewing; "
            "caption it with “Caption or remove” on its card.",
            "%(num)s files added. They are being prepared for viewing; "
            "caption each one with “Caption or remove” on its card.",
            len(items),
        )
        return _to_dispute(dispute_id, added)
    name = files[0].filename if files else Words(N_("The file"))
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


@bp.errorhandler(RateLimitExceeded)
def too_many_uploads(error: RateLimitExceeded) -> Response:
    """Past the upload limit, an htmx upload is refused in its own row, like any other refusal."""
    if request.endpoint != "evidence.upload" or not htmx.wants_partial():
        return show(Refusal(429, *error_text(error)))
    files = uploads_from_request()
    row = render_template(
        "evidence/_upload_row.html",
        name=files[0].filename if files else Words(N_("The file")),
        refused=error.description,
    )
    return htmx.vary(make_response(row, 429))


@bp.errorhandler(FileTooLarge)
def file_too_large(error: FileTooLarge) -> Response:
    """A file refused while it streamed in: in its own upload row for htmx, else the error page."""
    if request.endpoint != "evidence.upload" or not htmx.wants_partial():
        return render_error(error)
    row = render_template("evidence/_upload_row.html", name=error.filename, refused=error.description)
    return htmx.vary(make_response(row, error.code))


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
    log_view(item, current_user, actor, "page", now)
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
        seen_by=sightings(item, current_user) if actor is Actor.MEDIATOR else [],
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
        gettext("The caption was saved."),
        lambda c: locker.set_caption(c, item_uuid, text),
    )


@bp.post("/disputes/<int:dispute_id>/evidence/<item_uuid>/remove")
@login_required
def remove(dispute_id: int, item_uuid: str) -> Response:
    """Hide an item from the locker; it is kept and the mediator still sees it (E2)."""
    return _item_action(
        dispute_id,
        Action.REMOVE_EVIDENCE,
        gettext("The item was removed from your evidence."),
        lambda c: locker.remove_item(c, item_uuid),
    )


@bp.get("/evidence/<item_uuid>/<variant>")
@login_required
def media(item_uuid: str, variant: str) -> Response:
    """A stored file of the item, after the access check: a short-lived link, or the bytes (E4)."""
    now = clock.now()
    item, _dispute, actor = visible_item(current_user, item_uuid, now)
    if variant == "original":
        if not may_download_original(item, actor, current_user):
            raise NotPermitted(
                "E3", "Only the person who added this file and the mediator can download its original."
            )
        response = media_files.original(item)
    else:
        response = media_files.derived(item, variant)
    # Logged once served: a refusal above leaves no trace, and a failed request rolls the row back.
    log_view(item, current_user, actor, variant, now)
    return response


@bp.app_template_filter("file_name")
def file_name(name: str | None) -> str:
    """A filename a person sent, cleaned for showing (see EvidenceItem.display_name)."""
    return name if isinstance(name, Words) else readable_name(name)


@bp.app_template_global("card_recheck")
def card_recheck(item: EvidenceItem) -> str | None:
    """When an evidence card being processed asks for itself again (see recheck_after)."""
    return recheck_after(item, clock.now())


@bp.app_context_processor
def upload_limits() -> dict[str, object]:
    """The accepted formats and limits, for every upload field's hint."""
    return {"evidence_accepted": ACCEPTED, "evidence_limits": limits}
