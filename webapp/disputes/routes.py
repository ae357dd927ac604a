"""The dispute page, its self-refreshing parts, and every action on it: parse, call one service, render."""

from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from dispute_engine import Resolution, format_money
from webapp.core import clock, htmx
from webapp.disputes.actions import ACTIONS, ActionSpec
from webapp.disputes.facts import current_decision
from webapp.disputes.pipeline import ActionContext, begin, viewable_dispute
from webapp.disputes.views import newest_message_id, page_context, thread_visible
from webapp.evidence.services import Upload

bp = Blueprint("disputes", __name__)

# The parts of the page that refresh themselves; an action re-renders them all (not the thread,
# which has its own cursor, so a message being typed is never wiped).
PARTS = (
    "progress",
    "outcome",
    "settlement",
    "mediation",
    "proposals",
    "dispute-actions",
    "evidence",
    "history",
)


def uploads_from_request() -> list[Upload]:
    """The files in the request's `evidence` field, skipping empty file inputs."""
    return [Upload(f.stream, f.filename or "") for f in request.files.getlist("evidence") if f and f.filename]


def version_from(form: MultiDict[str, str]) -> int | None:
    """The dispute version the form was made from (None if the client sent none)."""
    raw = form.get("version")
    return int(raw) if raw and raw.isdigit() else None


def _page(dispute_id: int) -> Response:
    now = clock.now()
    dispute, actor = viewable_dispute(current_user, dispute_id, now)
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
    return htmx.vary(make_response(render_template(template, **page_context(dispute, actor, now))))


@bp.get("/disputes/<int:dispute_id>/version")
@login_required
def version(dispute_id: int) -> Response:
    """204 while the dispute is as the page shows it; else a new poller and a `dispute-changed` event."""
    dispute, _actor = viewable_dispute(current_user, dispute_id, clock.now())
    seen = request.args.get("v", type=int)
    if seen == dispute.version:
        return Response(status=204)
    poller = render_template("disputes/_version_poller.html", dispute=dispute)
    return htmx.trigger(make_response(poller), "dispute-changed")


@bp.get("/disputes/<int:dispute_id>/thread")
@login_required
def thread(dispute_id: int) -> Response:
    """The thread's messages after a cursor: 204 with no body when nothing is new."""
    now = clock.now()
    dispute, actor = viewable_dispute(current_user, dispute_id, now)
    after = request.args.get("after", default=0, type=int)
    if not htmx.wants_partial():
        return redirect(url_for("disputes.show", dispute_id=dispute_id, _anchor="thread"), code=303)
    if not thread_visible(dispute, actor) or newest_message_id(dispute.id) <= after:
        return Response(status=204)
    context = page_context(dispute, actor, now)
    return htmx.vary(make_response(render_template("disputes/_thread_messages.html", **context)))


def consequence(name: str, spec: ActionSpec, ctx: ActionContext, form: MultiDict[str, str]) -> str:
    """What a final action will do, in words and amounts, for its confirmation."""
    currency = ctx.dispute.currency
    if name == "accept":
        proposal = next((p for p in ctx.dispute.proposals if str(p.id) == form.get("proposal_id")), None)
        if proposal is not None:
            amount = format_money(proposal.amount, currency)
            if proposal.resolution is Resolution.RETURN_AND_REFUND:
                return (
                    "Accepting is final: the dispute closes, the item goes back "
                    f"and {amount} will be refunded."
                )
            return f"Accepting is final: the dispute closes and {amount} will be refunded."
    if name in ("accept-solution", "final-decision"):
        decision = current_decision(ctx.dispute)
        key = "choice" if name == "accept-solution" else "option"
        options = decision.options if decision else []
        option = next((o for o in options if str(o.position) == form.get(key)), None)
        if option is not None:
            terms = f"{option.resolution.label}, {format_money(option.amount, currency)}"
            if name == "final-decision":
                return f"The final decision closes the dispute on solution {option.position}: {terms}."
            return f"{spec.confirm} Solution {option.position}: {terms}."
    return spec.confirm


@bp.post("/disputes/<int:dispute_id>/<name>")
@login_required
def act(dispute_id: int, name: str) -> Response | str:
    """Take one action on the dispute; final ones ask for confirmation first."""
    spec = ACTIONS.get(name) or abort(404)
    now = clock.now()
    version = version_from(request.form) if spec.refuse_stale else None
    ctx = begin(current_user, dispute_id, spec.action, now, version=version)
    context = page_context(ctx.dispute, ctx.actor, now)
    if spec.confirm and request.form.get("confirm") != "yes":
        words = consequence(name, spec, ctx, request.form)
        template = "disputes/_confirm_box.html" if htmx.wants_partial() else "disputes/confirm.html"
        return render_template(
            template,
            spec=spec,
            name=name,
            form=request.form,
            consequence=words,
            part_name=spec.part,
            label=name.replace("-", " "),
            **context,
        )
    spec.handler(ctx, request.form, uploads_from_request())
    if not htmx.wants_partial():
        flash(spec.done, "success")
        return redirect(url_for("disputes.show", dispute_id=dispute_id), code=303)
    context = page_context(ctx.dispute, ctx.actor, now)
    if name == "message":
        body = render_template("disputes/_thread_messages.html", **context)
        body += render_template("disputes/_thread_form.html", oob=True, **context)
        return make_response(body)
    body = render_template("disputes/_changed.html", done=spec.done, parts=PARTS, **context)
    body += render_template("disputes/_version_poller.html", dispute=ctx.dispute, oob=True)
    return make_response(body)
