"""Use cases of the mediator and the parties' answers to it (M2, M4-M6)."""

from __future__ import annotations

from dispute_engine import (
    Actor,
    FormInvalid,
    Outcome,
    add_days,
    format_money,
    validate_decision_options,
)
from webapp.core.extensions import db
from webapp.core.policies import policy_named
from webapp.disputes.closing import close, describe_terms
from webapp.disputes.facts import current_decision, open_requests
from webapp.disputes.pipeline import ActionContext, changed
from webapp.evidence.models import EvidenceItem
from webapp.evidence.services import Upload, store_uploads
from webapp.history.record import record
from webapp.mediation.models import (
    Decision,
    DecisionAnswer,
    DecisionOption,
    DecisionStatus,
    EvidenceRequest,
    RequestStatus,
)

TEXT_MAX = 4000
MAX_REQUEST_DAYS = 14


def _mediator_acts(ctx: ActionContext) -> None:
    ctx.dispute.mediator_id = ctx.user.id
    ctx.dispute.mediator_acted_at = ctx.now


def request_evidence(ctx: ActionContext, party: str, wanted: str, days: str | None) -> EvidenceRequest:
    """Ask one party for specific evidence by a deadline, 3 days unless the mediator says otherwise (M2)."""
    errors = {}
    if party not in (Actor.BUYER, Actor.SELLER):
        errors["party"] = "Choose the buyer or the seller."
    text = (wanted or "").strip()
    if not text or len(text) > TEXT_MAX:
        errors["wanted"] = "Say what evidence you need."
    default_days = policy_named(ctx.dispute.policy).evidence_request_days
    try:
        due_days = int(days) if days not in (None, "") else default_days
        if not 1 <= due_days <= MAX_REQUEST_DAYS:
            raise ValueError
    except ValueError:
        errors["days"] = f"Give between 1 and {MAX_REQUEST_DAYS} days."
        due_days = default_days
    if errors:
        raise FormInvalid(errors)
    request = EvidenceRequest(
        dispute_id=ctx.dispute.id,
        mediator_id=ctx.user.id,
        party=Actor(party),
        wanted=text,
        due_at=add_days(ctx.now, due_days),
        created_at=ctx.now,
        status=RequestStatus.OPEN,
    )
    db.session.add(request)
    _mediator_acts(ctx)
    record(
        ctx.dispute,
        actor=Actor.MEDIATOR,
        user=ctx.user,
        action="evidence_requested",
        at=ctx.now,
        rule="M2",
        summary=(
            f"The mediator asked the {party} for evidence by {request.due_at:%d %B %Y, %H:%M} UTC: {text}"
        ),
    )
    changed(ctx.dispute, ctx.now)
    return request


def respond_evidence(ctx: ActionContext, comment: str, uploads: list[Upload]) -> None:
    """The party answers the mediator's open requests with files and a comment ("Respond now", M2)."""
    text = (comment or "").strip()
    if not uploads and not text:
        raise FormInvalid({"comment": "Add the evidence asked for, or a comment."})
    if len(text) > TEXT_MAX:
        raise FormInvalid({"comment": f"Keep the comment under {TEXT_MAX} characters."})
    requests = [r for r in open_requests(ctx.dispute) if r.party is ctx.actor]
    items = store_uploads(ctx.dispute, ctx.user, ctx.actor, uploads, now=ctx.now, request_id=requests[0].id)
    for request in requests:
        request.status = RequestStatus.ANSWERED
        request.responded_at = ctx.now
        request.response_comment = text
    record(
        ctx.dispute,
        actor=ctx.actor,
        user=ctx.user,
        action="evidence_provided",
        at=ctx.now,
        rule="M2",
        summary=f"The {ctx.actor.value} responded to the mediator with {len(items)} file(s).",
        data={"comment": text, "evidence": [i.sha256 for i in items]},
    )
    changed(ctx.dispute, ctx.now)


def evidence_fingerprint(dispute_id: int) -> list[dict[str, object]]:
    """The hashes of every evidence item present now, removed ones marked (for the decision record)."""
    items = db.session.scalars(
        db.select(EvidenceItem).where(EvidenceItem.dispute_id == dispute_id).order_by(EvidenceItem.id)
    )
    return [{"id": i.id, "sha256": i.sha256, "removed": i.is_removed} for i in items]


def propose_decision(ctx: ActionContext, options: list[tuple[str, str, str]], comment: str) -> Decision:
    """Offer one or two solutions; a new proposal replaces the one the parties were answering (M4, M6)."""
    order = ctx.dispute.order
    forms = validate_decision_options(
        options, total=order.total, currency=order.currency, received=ctx.dispute.received
    )
    previous = current_decision(ctx.dispute)
    if previous is not None:
        previous.status = DecisionStatus.REPLACED
    decision = Decision(
        dispute_id=ctx.dispute.id,
        mediator_id=ctx.user.id,
        status=DecisionStatus.PROPOSED,
        comment=(comment or "").strip()[:TEXT_MAX],
        created_at=ctx.now,
        answers_due_at=add_days(ctx.now, policy_named(ctx.dispute.policy).decision_answer_days),
        evidence_hashes=evidence_fingerprint(ctx.dispute.id),
        options=[
            DecisionOption(
                position=i, resolution=f.terms.resolution, amount=f.terms.amount, comment=f.comment
            )
            for i, f in enumerate(forms, start=1)
        ],
    )
    db.session.add(decision)
    _mediator_acts(ctx)
    offered = "; or ".join(describe_terms(f.terms, order.currency) for f in forms)
    record(
        ctx.dispute,
        actor=Actor.MEDIATOR,
        user=ctx.user,
        action="decision_proposed",
        at=ctx.now,
        rule="M4",
        summary=(
            f"The mediator proposed: {offered}. Answers are due by {decision.answers_due_at:%d %B %Y} UTC."
        ),
    )
    changed(ctx.dispute, ctx.now)
    return decision


def answer_decision(ctx: ActionContext, choice: str, comment: str, uploads: list[Upload]) -> None:
    """A party accepts one option or rejects them (with new evidence); matching answers close it (M4-M6)."""
    decision = current_decision(ctx.dispute)
    assert decision is not None  # the engine's guard
    try:
        picked = int(choice)
    except (TypeError, ValueError):
        picked = -1
    if not 0 <= picked <= len(decision.options):
        raise FormInvalid({"choice": "Accept one of the solutions, or reject them."})
    text = (comment or "").strip()[:TEXT_MAX]
    if uploads:
        store_uploads(ctx.dispute, ctx.user, ctx.actor, uploads, now=ctx.now)
    decision.answers.append(
        DecisionAnswer(party=ctx.actor, user_id=ctx.user.id, choice=picked, comment=text, created_at=ctx.now)
    )
    said = f"accepted solution {picked}" if picked else "rejected the proposed solutions"
    record(
        ctx.dispute,
        actor=ctx.actor,
        user=ctx.user,
        action="decision_answered",
        at=ctx.now,
        rule="M4" if picked else "M6",
        summary=f"The {ctx.actor.value} {said}.",
        data={"comment": text},
    )
    other = decision.answer_of(ctx.actor.other_party)
    if picked and other is not None and other.choice == picked:
        decision.status, decision.chosen_option, decision.decided_at = DecisionStatus.AGREED, picked, ctx.now
        close(
            ctx.dispute,
            Outcome.MEDIATION_AGREED,
            decision.options[picked - 1].terms,
            at=ctx.now,
            actor=ctx.actor,
            user=ctx.user,
            rule="M5",
            summary="Both parties accepted the same solution.",
            comment=decision.comment,
        )
        return
    changed(ctx.dispute, ctx.now)


def final_decision(ctx: ActionContext, option: str, comment: str) -> None:
    """The mediator picks one of the solutions already offered; the dispute closes (M5)."""
    decision = current_decision(ctx.dispute)
    assert decision is not None  # the engine's guard
    try:
        position = int(option)
    except (TypeError, ValueError):
        position = 0
    if not 1 <= position <= len(decision.options):
        raise FormInvalid({"option": "Choose one of the solutions you offered."})
    chosen = decision.options[position - 1]
    decision.status, decision.chosen_option, decision.decided_at = (
        DecisionStatus.FINAL,
        chosen.position,
        ctx.now,
    )
    decision.evidence_hashes = evidence_fingerprint(ctx.dispute.id)
    _mediator_acts(ctx)
    close(
        ctx.dispute,
        Outcome.FINAL_DECISION,
        chosen.terms,
        at=ctx.now,
        actor=Actor.MEDIATOR,
        user=ctx.user,
        rule="M5",
        comment=(comment or decision.comment).strip()[:TEXT_MAX],
        summary=f"The mediator's final decision: solution {chosen.position}, "
        f"{format_money(chosen.amount, ctx.dispute.currency)}.",
    )
