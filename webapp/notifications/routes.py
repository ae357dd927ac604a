"""The bell, the notification list with Mark as read, and the demo outbox: parse, call one service, render."""

from __future__ import annotations

from typing import Any, NoReturn

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from dispute_engine.words import N_, Words
from webapp.core import clock, htmx
from webapp.core.input_checks import whole_number
from webapp.notifications import services
from webapp.notifications.delivery import deliver_after_response

bp = Blueprint("notifications", __name__)
# Emails leave after the response is sent, so after the request's single commit.
bp.after_app_request(deliver_after_response)


@bp.app_context_processor
def bell_context() -> dict[str, Any]:
    """Give every template `notification_bell()`: the bell's state, queried only when called."""
    return {"notification_bell": lambda: services.bell(current_user.id)}


def _page_number(source: Any) -> int:
    """The page asked for, from 1 to LAST_PAGE: past it (or not a number) is never an overflow."""
    return min(max(whole_number(source.get("page")) or 1, 1), services.LAST_PAGE)


def _outbox_enabled() -> bool:
    return not current_app.config.get("MAIL_SERVER")


def _not_found() -> NoReturn:
    abort(404, description=Words(N_("There is no such notification, or it is not yours to see.")))


def _back() -> str:
    """Where a plain form goes after marking: its local `next`, else the list page it came from."""
    target = request.form.get("next", "")
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("notifications.index", page=_page_number(request.form))


def _list_context(number: int) -> dict[str, Any]:
    return {
        "page": services.page(current_user.id, number),
        "bell_state": services.bell(current_user.id),
        "outbox_enabled": _outbox_enabled(),
    }


def _with_bell(body: str) -> Response:
    """`body` plus the bell as an out-of-band swap, so its count follows."""
    bell = render_template(
        "notifications/_bell.html", bell_state=services.bell(current_user.id), bell_oob=True
    )
    return make_response(body + bell)


@bp.get("/notifications")
@login_required
def index() -> Response:
    """The user's notifications, newest first; the list alone for htmx fragment requests."""
    context = _list_context(_page_number(request.args))
    return htmx.render_partial_or_page("notifications/_list.html", "notifications/index.html", **context)


@bp.get("/notifications/bell")
@login_required
def bell() -> Response:
    """The bell for htmx polls: 204 while the client's count and newest id still hold; else the new bell."""
    if not htmx.wants_partial():
        return index()
    state = services.bell(current_user.id)
    seen = (request.args.get("count", type=int), request.args.get("newest", type=int))
    if seen == (state.unread, state.newest_id):
        return htmx.vary(Response(status=204))
    response = make_response(render_template("notifications/_bell.html", bell_state=state))
    return htmx.trigger(htmx.vary(response), "notifications-changed")


@bp.post("/notifications/<int:notification_id>/read")
@login_required
def mark_read(notification_id: int) -> Response:
    """Mark one notification as read: back to the list without htmx, the item and the bell with it."""
    try:
        item = services.mark_read(current_user.id, notification_id, clock.now())
    except services.NotificationNotFound:
        _not_found()
    if not htmx.wants_partial():
        flash(_("Notification marked as read."), "success")
        return redirect(_back(), code=303)
    return _with_bell(
        render_template("notifications/_item.html", item=item, page_number=_page_number(request.form))
    )


@bp.post("/notifications/read-all")
@login_required
def mark_all_read() -> Response:
    """Mark every notification the page showed as read: back to the list, or the list and the bell."""
    up_to = whole_number(request.form.get("up_to"))  # None (all) past any id there can be
    count = services.mark_all_read(current_user.id, clock.now(), up_to)
    if not htmx.wants_partial():
        said = ngettext(
            "%(num)s notification marked as read.", "%(num)s notifications marked as read.", count
        )
        flash(said, "success")
        return redirect(_back(), code=303)
    context = _list_context(_page_number(request.form))
    return _with_bell(render_template("notifications/_list.html", **context))


@bp.get("/outbox")
@login_required
def outbox() -> str:
    """The demo outbox: the emails addressed to the user, kept here because MAIL_SERVER is not set."""
    if not _outbox_enabled():
        _not_found()
    number = _page_number(request.args)
    emails, has_older = services.outbox(current_user, current_app.config["PUBLIC_URL"], number)
    return render_template(
        "notifications/outbox.html",
        emails=emails,
        number=number,
        has_older=has_older,
        sender=current_app.config["MAIL_FROM"],
    )
