"""What was promised: the listing snapshot beside the dispute, its photos behind the access check."""

from __future__ import annotations

from flask import Blueprint, send_file
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from dispute_engine.words import N_, Words
from webapp.core import clock
from webapp.core.refusals import NotFound
from webapp.core.storage import storage
from webapp.disputes.pipeline import viewable_dispute
from webapp.orders.listing import snapshot_of

bp = Blueprint("listing", __name__)


class PhotoNotFound(NotFound):
    """No such photo in the listing, or a dispute that is not this person's."""

    explanation: str = Words(N_("There is no such listing photo, or it is not yours to see."))


@bp.get("/disputes/<int:dispute_id>/listing/<int:position>")
@login_required
def photo(dispute_id: int, position: int) -> Response:
    """One photo of the disputed order's listing, for the parties and the mediator (E4)."""
    dispute, _actor = viewable_dispute(current_user, dispute_id, clock.now())
    snapshot = snapshot_of(dispute.order_id)
    found = next((p for p in snapshot.photos if p.position == position), None) if snapshot else None
    if found is None:
        raise PhotoNotFound(position)
    response = send_file(storage().open(found.storage_key), mimetype=found.content_type)
    response.headers["Cache-Control"] = "private, max-age=3600"  # a snapshot never changes
    return response
