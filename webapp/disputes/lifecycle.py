"""Use cases that move the dispute itself: change, escalate, cancel, reopen, appeal (N1, N6, C1-C3)."""

from __future__ import annotations

from dispute_engine import (
    Actor,
    FormInvalid,
    RuleViolation,
    State,
    validate_request,
)
from dispute_engine.reasons import REASONS
from dispute_engine.words import N_, Amount, Clause, Words
from webapp.disputes.models import ProposalStatus
from webapp.disputes.steps import ActionContext, Done

APPEAL_REASONS = {
    "result": Words(N_("Unhappy with the result")),
    "mediator": Words(N_("Unhappy with the mediator's work")),
}
APPEAL_DESCRIPTION_MAX = 4000


def change_dispute(ctx: ActionContext, form: dict[str, str]) -> Done:
    """The buyer changes reason, resolution, amount or description before escalation (N6)."""
    dispute = ctx.dispute
    request = validate_request(
        dispute.order.facts(),
        ctx.now,
        received=dispute.received,
        reason=form.get("reason"),
        resolution=form.get("resolution"),
        amount=form.get("amount"),
        description=form.get("description"),
        evidence_count=0,
        require_evidence=False,
    )
    before = {
        "reason": dispute.reason.value,
        "resolution": dispute.resolution.value,
        "amount": str(dispute.amount),
    }
    terms_changed = (request.resolution, request.amount) != (dispute.resolution, dispute.amount)
    if terms_changed:
        # The request is also the buyer's standing proposal: replace it, keep the old in the history.
        for proposal in dispute.live_proposals(Actor.BUYER):
            if proposal.resolution in (dispute.resolution, request.resolution):
                proposal.status = ProposalStatus.SUPERSEDED
                proposal.answered_at = ctx.now
    dispute.reason, dispute.resolution = request.reason, request.resolution
    dispute.amount, dispute.description = request.amount, request.description
    if terms_changed:
        dispute.table_the_request(ctx.person.id, ctx.now)
    summary = Words(
        N_("The buyer changed the dispute: %(reason)s; %(kind)s, %(amount)s."),
        reason=Clause(REASONS[request.reason].label),
        kind=request.resolution.label,
        amount=Amount(request.amount, dispute.currency),
    )
    return Done("dispute_changed", summary, data={"before": before})


def escalate_by_hand(ctx: ActionContext) -> Done:
    """The buyer presses Escalate where the policy has the button (N1, dhgate)."""
    return Done("escalated", Words(N_("The buyer escalated the dispute to the platform.")))


def cancel(ctx: ActionContext) -> Done:
    """The buyer withdraws: no refund before escalation; after it, the money goes to the seller (C1)."""
    escalated = ctx.dispute.state is State.ESCALATED
    summary = Words(
        N_("The buyer cancelled the arbitration.") if escalated else N_("The buyer cancelled the dispute.")
    )
    return Done("cancelled", summary)


def reopen(ctx: ActionContext) -> Done:
    """The buyer reopens a cancelled dispute while the opening window is open (C2); clocks restart."""
    return Done("reopened", Words(N_("The buyer reopened the dispute; the seller's clock starts again.")))


def appeal(ctx: ActionContext, reason: str, description: str) -> Done:
    """The buyer submits a complaint: the dispute goes back to a mediator (C3)."""
    errors = {}
    if reason not in APPEAL_REASONS:
        errors["appeal_reason"] = N_("Choose why you are complaining.")
    text = (description or "").strip()
    if not text:
        errors["appeal_description"] = N_("Describe what went wrong.")
    elif len(text) > APPEAL_DESCRIPTION_MAX:
        errors["appeal_description"] = Words(
            N_("Keep it under %(limit)s characters."), limit=APPEAL_DESCRIPTION_MAX
        )
    if errors:
        raise FormInvalid(errors)
    dispute = ctx.dispute
    if dispute.appealed_at is not None:
        raise RuleViolation("C3", N_("A complaint can be submitted once per order, and it was."))
    dispute.appealed_at = ctx.now
    dispute.appeal_reason = reason
    dispute.appeal_description = text
    dispute.outcome = dispute.outcome_resolution = dispute.outcome_amount = None
    dispute.closed_at = None
    summary = Words(
        N_("The buyer submitted a complaint (%(why)s): the dispute goes back to a mediator."),
        why=APPEAL_REASONS[reason],
    )
    return Done("escalated", summary)
