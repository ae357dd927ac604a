"""Download a case: ask for it, watch its job, fetch the ZIP (parse, call one service, render)."""

from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from dispute_engine.words import N_, Words
from webapp.core import clock, htmx
from webapp.core.refusals import Conflict
from webapp.disputes.pipeline import viewable_dispute
from webapp.evidence.media_files import attachment
from webapp.exports.models import ExportStatus
from webapp.exports.services import exports_of, own_export, request_export

bp = Blueprint("exports", __name__)


class ExportNotReady(Conflict):
    """The ZIP is still being made, or could not be."""


def _list(dispute_id: int) -> str:
    return render_template(
        "exports/_list.html", exports=exports_of(current_user, dispute_id, clock.now()), dispute_id=dispute_id
    )


@bp.get("/disputes/<int:dispute_id>/export")
@login_required
def index(dispute_id: int) -> Response:
    """What a download of the case holds for this person, the button, and their latest downloads."""
    now = clock.now()
    dispute, actor = viewable_dispute(current_user, dispute_id, now)
    page = render_template(
        "exports/index.html", dispute=dispute, actor=actor, exports=exports_of(current_user, dispute_id, now)
    )
    return htmx.vary(make_response(page))


@bp.post("/disputes/<int:dispute_id>/exports")
@login_required
def create(dispute_id: int) -> Response:
    """Queue a download of the case; its job builds the ZIP while the page shows how far it got."""
    request_export(current_user, dispute_id, clock.now())
    if not htmx.wants_partial():
        flash(_("The download is being prepared. It appears below when it is ready."), "success")
        return redirect(url_for("exports.index", dispute_id=dispute_id), code=303)
    return htmx.vary(make_response(_list(dispute_id)))


@bp.get("/exports/<export_uuid>")
@login_required
def status(export_uuid: str) -> Response:
    """One download's state: polled by htmx while its job runs; the download page without htmx."""
    export = own_export(current_user, export_uuid, clock.now())
    if not htmx.wants_partial():
        return redirect(url_for("exports.index", dispute_id=export.dispute_id), code=303)
    return htmx.vary(make_response(render_template("exports/_export.html", export=export)))


@bp.get("/exports/<export_uuid>/download")
@login_required
def download(export_uuid: str) -> Response:
    """The ZIP, to the person who asked for it, while they still see the dispute (E4)."""
    export = own_export(current_user, export_uuid, clock.now())
    if export.status is not ExportStatus.READY:
        raise ExportNotReady(
            Words(N_("This download is not ready: it is still being prepared, or it could not be made."))
            if export.status is not ExportStatus.FAILED
            # the reason is kept in English; said in the reader's language when it is a known sentence
            else Words(
                N_("This download could not be made: %(reason)s Ask for a new one."),
                reason=Words(export.failure_reason),
            )
        )
    name = f"dispute-{export.dispute_id}-{export.role.value}-{export.created_at:%Y%m%d-%H%M}.zip"
    return attachment(export.storage_key, name, "application/zip")
