"""The dispute page, its self-refreshing parts, and every action on it: parse, call one service, render."""

from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from dispute_engine import NotPermitted
from webapp.core import clock, htmx
from webapp.core.input_checks import whole_number
from webapp.core.uploads import uploads_from_request
from webapp.disputes.pipeline import DisputeNotFound, perform, viewable_dispute
from webapp.disputes.stamp import Seen, page_stamp
from webapp.disputes.steps import ActionContext, Done
from webapp.notifications import services as notifications
from webapp.pages.actions import ACTIONS, ActionSpec, Form, consequence, paced
from webapp.pages.dispute_context import PARTS, earlier_context, page_context, parts_context, thread_visible
from webapp.pages.windows import Window

bp = Blueprint("disputes", __name__)


class NeedsConfirmation(Exception):
    """A final action sent without `confirm=yes`: nothing is done, the confirmation is shown instead."""

    def __init__(self, ctx: ActionContext, words: str) -> None:
        super().__init__(words)
        self.ctx = ctx
        self.words = words


def version_from(form: Form) -> int | None:
    """The dispute version the form was made from (None if the client sent none; 400 if not a version)."""
    raw = form.get("version")
    if not raw:
        return None
    version = whole_number(raw)
    if version is None:
        abort(400, description="The form's version of the dispute is not one we made. Reload the page.")
    return version


def shown_window() -> Window:
    """Where the asking page's thread and history start (the latest, for a page rendered afresh)."""
    return Window.from_header(htmx.page_window())


def _page(dispute_id: int) -> Response:
    now = clock.now()
    dispute, actor = viewable_dispute(current_user, dispute_id, now)
    # H2: seeing the dispute is reading what it notified (the page shows every event); the bell
    # rendered below counts what is left. Only a page with something to mark writes (and locks).
    if notifications.has_unread(current_user.id, dispute.id):
        notifications.mark_all_read(current_user.id, now, dispute_id=dispute.id)
    response = make_response(render_template("disputes/show.html", **page_context(dispute, actor, now)))
    return htmx.vary(response)


@bp.get("/disputes/<int:dispute_id>")
@login_required
def show(dispute_id: int) -> Response:
    """The dispute page: where it stands and everything the current user may do now."""
    return _page(dispute_id)


@bp.get("/disputes/<int:dispute_id>/parts/<name>")
@login_required
def part(dispute_id: int, name: str) -> Response:
    """One part of the page, for htmx to refresh in place; the whole page without htmx."""
    if name not in PARTS:
        abort(404)
    if not htmx.wants_partial():
        return _page(dispute_id)
    now = clock.now()
    dispute, actor = viewable_dispute(current_user, dispute_id, now)
    template = f"disputes/_{name.replace('-', '_')}.html"
    context = parts_context(dispute, actor, now, [name], shown_window())
    return htmx.vary(make_response(render_template(template, **context)))


@bp.get("/disputes/<int:dispute_id>/poll")
@login_required
def poll(dispute_id: int) -> Response:
    """The page's one poll: 204 from a single statement while nothing changed; else the changed parts.

    `v` is the version the page shows (forms depend on it), `a` its activity (messages, evidence).
    """
    seen = Seen(request.args.get("v", type=int), request.args.get("a", type=int))
    stamp = page_stamp(current_user, dispute_id)
    if stamp is None:
        raise DisputeNotFound(dispute_id)
    now = clock.now()
    if stamp.is_current(seen, now):
        return htmx.vary(Response(status=204))
    if not htmx.wants_partial():
        return redirect(url_for("disputes.show", dispute_id=dispute_id), code=303)
    dispute, actor = viewable_dispute(current_user, dispute_id, now)
    parts = [*PARTS, "thread"] if dispute.version != seen.version else ["thread", "evidence"]
    context = parts_context(dispute, actor, now, parts, shown_window())
    body = render_template("disputes/_poller.html", **context)
    body += render_template("disputes/_changed_parts.html", parts=parts, **context)
    return htmx.vary(make_response(body))


def _cursor() -> int:
    """The `before` cursor of an "earlier" link: a message id or event sequence (400 if not one)."""
    before = whole_number(request.args.get("before"))
    if not before:
        abort(400, description="Which earlier page? The link's `before` must be a positive whole number.")
    return before


@bp.get("/disputes/<int:dispute_id>/messages")
@login_required
def earlier_messages(dispute_id: int) -> Response:
    """The thread's messages before `before`: htmx inserts them above the thread; else a page of them."""
    now = clock.now()
    dispute, actor = viewable_dispute(current_user, dispute_id, now)
    if not thread_visible(dispute, actor):
        raise NotPermitted("N7", "Under this marketplace's rules the mediator does not read the thread.")
    context = earlier_context(dispute, actor, now, messages_before=_cursor())
    return htmx.render_partial_or_page(
        "disputes/_earlier_messages.html", "disputes/earlier.html", kind="messages", **context
    )


@bp.get("/disputes/<int:dispute_id>/events")
@login_required
def earlier_events(dispute_id: int) -> Response:
    """The history's events before `before`: htmx inserts them below the history; else a page of them."""
    now = clock.now()
    dispute, actor = viewable_dispute(current_user, dispute_id, now)
    context = earlier_context(dispute, actor, now, events_before=_cursor())
    return htmx.render_partial_or_page(
        "disputes/_earlier_events.html", "disputes/earlier.html", kind="events", **context
    )


def _take(dispute_id: int, spec: ActionSpec, form: Form) -> Response | str:
    now = clock.now()
    uploads = uploads_from_request()

    taken: list[ActionContext] = []

    def work(ctx: ActionContext) -> Done:
        taken.append(ctx)
        if spec.confirm and form.get("confirm") != "yes":
            raise NeedsConfirmation(ctx, _(consequence(spec, ctx, form)))
        return spec.service(ctx, form, uploads)

    version = version_from(form) if spec.refuse_stale else None
    try:
        perform(current_user, dispute_id, spec.action, now, work, version=version)
    except NeedsConfirmation as asked:
        return _confirmation(spec, asked, form)
    if not htmx.wants_partial():
        flash(_(spec.done), "success")
        return redirect(url_for("disputes.show", dispute_id=dispute_id), code=303)
    dispute, actor = taken[0].dispute, taken[0].actor
    context = page_context(dispute, actor, now, shown_window())
    if spec.part == "thread":
        body = render_template("disputes/_thread_messages.html", **context)
        body += render_template("disputes/_evidence.html", oob=True, **context)
        body += render_template("disputes/_poller.html", oob=True, **context)
        return htmx.vary(make_response(body))
    if spec.name == "message":
        body = render_template("disputes/_thread_messages.html", **context)
        body += render_template("disputes/_thread_form.html", oob=True, **context)
        body += render_template("disputes/_poller.html", oob=True, **context)
        return make_response(body)
    body = render_template("disputes/_changed.html", done=_(spec.done), parts=PARTS, **context)
    body += render_template("disputes/_poller.html", oob=True, **context)
    return make_response(body)


def _confirmation(spec: ActionSpec, asked: NeedsConfirmation, form: Form) -> str:
    ctx = asked.ctx
    template = "disputes/_confirm_box.html" if htmx.wants_partial() else "disputes/confirm.html"
    return render_template(
        template,
        spec=spec,
        name=spec.name,
        form=form,
        consequence=asked.words,
        part_name=spec.part,
        label=spec.name.replace("-", " "),
        **page_context(ctx.dispute, ctx.actor, ctx.now, shown_window()),
    )


@bp.post("/disputes/<int:dispute_id>/<name>")
@login_required
@paced
def act(dispute_id: int, name: str) -> Response | str:
    """Take one action on the dispute; final ones ask for confirmation first."""
    spec = ACTIONS.get(name) or abort(404)
    return _take(dispute_id, spec, request.form)


@bp.post("/disputes/<int:dispute_id>/messages/<int:message_id>/pin")
@login_required
def pin(dispute_id: int, message_id: int) -> Response | str:
    """Pin a thread message into the actor's evidence, where the mediator sees it (N7)."""
    form = MultiDict(request.form)
    form["message_id"] = str(message_id)
    return _take(dispute_id, ACTIONS["pin"], form)
