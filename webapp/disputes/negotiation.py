"""Use cases between buyer and seller: answer, propose, change, accept, reject, talk (S2-S3, N2-N7)."""

from __future__ import annotations

from dispute_engine import (
    Actor,
    FormInvalid,
    ProposalForm,
    Resolution,
    RuleViolation,
    check_proposal_slot,
    validate_terms,
)
from dispute_engine.proposals import COMMENT_MAX
from webapp.core.extensions import db
from webapp.disputes.models import Message, Proposal, ProposalStatus
from webapp.disputes.pipeline import StaleDispute
from webapp.disputes.steps import ActionContext, Done, describe_terms

MESSAGE_MAX = 4000


def _proposal_form(ctx: ActionContext, form: dict[str, str]) -> ProposalForm:
    order = ctx.dispute.order
    return validate_terms(
        form.get("resolution"),
        form.get("amount"),
        form.get("comment"),
        total=order.total,
        currency=order.currency,
        received=ctx.dispute.received,
    )


def _new_proposal(ctx: ActionContext, form: dict[str, str], supersedes: Proposal | None = None) -> Proposal:
    proposal_form = _proposal_form(ctx, form)
    live = [p.resolution for p in ctx.dispute.live_proposals(ctx.actor)]
    check_proposal_slot(
        live, proposal_form.terms.resolution, replacing=supersedes.resolution if supersedes else None
    )
    if supersedes is not None:
        supersedes.status = ProposalStatus.SUPERSEDED
        supersedes.answered_at = ctx.now
    proposal = Proposal(
        dispute=ctx.dispute,
        party=ctx.actor,
        author_id=ctx.person.id,
        resolution=proposal_form.terms.resolution,
        amount=proposal_form.terms.amount,
        comment=proposal_form.comment,
        status=ProposalStatus.PENDING,
        supersedes_id=supersedes.id if supersedes else None,
        created_at=ctx.now,
    )
    db.session.add(proposal)
    db.session.flush()
    return proposal


def _proposal_of(ctx: ActionContext, proposal_id: int, party: Actor) -> Proposal:
    proposal = next((p for p in ctx.dispute.proposals if p.id == proposal_id), None)
    if proposal is None or proposal.party is not party:
        raise RuleViolation("N4", "That proposal is not one you can act on here.")
    if proposal.status is ProposalStatus.SUPERSEDED:
        raise StaleDispute(
            f"The {party.value} changed that proposal before you answered it. Nothing was done: "
            "look at the new proposal and decide."
        )
    if not proposal.is_live:
        raise StaleDispute("That proposal is no longer on the table. Nothing was done.")
    return proposal


def _check_unused_terms(form: dict[str, str]) -> None:
    """Without an amount the other terms are not used, but they are still refused when malformed."""
    if (form.get("resolution") or Resolution.REFUND_ONLY.value) not in {r.value for r in Resolution}:
        raise FormInvalid({"resolution": "Choose Refund only, Return goods and refund, or Re-shipment."})
    if len((form.get("comment") or "").strip()) > COMMENT_MAX:
        raise FormInvalid({"comment": f"Keep the comment under {COMMENT_MAX} characters."})


def reject_request(ctx: ActionContext, form: dict[str, str]) -> Done:
    """The seller rejects the buyer's request, with or without a proposal of its own (S3).

    The amount alone decides: the form always carries a resolution (a radio is pre-checked),
    so a blank amount means "reject without a counter-offer".
    """
    counter = None
    if (form.get("amount") or "").strip():
        counter = _new_proposal(ctx, form)
    else:
        _check_unused_terms(form)
    for proposal in ctx.dispute.live_proposals(Actor.BUYER):
        proposal.status = ProposalStatus.REJECTED
        proposal.answered_at = ctx.now
    offer = f" and proposed {describe_terms(counter.terms, ctx.dispute.currency)}" if counter else ""
    return Done("request_rejected", f"The seller rejected the buyer's request{offer}.", result=counter)


def accept_proposal(ctx: ActionContext, proposal_id: int) -> Done:
    """Accept one of the other party's live proposals: the dispute closes on it (S2, N4)."""
    proposal = _proposal_of(ctx, proposal_id, ctx.actor.other_party)
    proposal.status = ProposalStatus.ACCEPTED
    proposal.answered_at = ctx.now
    summary = f"The {ctx.actor.value} accepted the {proposal.party.value}'s proposal."
    return Done("closed", summary, terms=proposal.terms)


def reject_proposal(ctx: ActionContext, proposal_id: int) -> Done:
    """Reject one of the other party's proposals; the clock keeps running (N5)."""
    proposal = _proposal_of(ctx, proposal_id, ctx.actor.other_party)
    if proposal.status is not ProposalStatus.PENDING:
        raise RuleViolation("N5", "That proposal was already rejected.")
    proposal.status = ProposalStatus.REJECTED
    proposal.answered_at = ctx.now
    terms = describe_terms(proposal.terms, ctx.dispute.currency)
    return Done("proposal_rejected", f"The {ctx.actor.value} rejected {terms}.")


def add_proposal(ctx: ActionContext, form: dict[str, str]) -> Done:
    """Add a solution of the other resolution kind (N2 "Add solution")."""
    proposal = _new_proposal(ctx, form)
    terms = describe_terms(proposal.terms, ctx.dispute.currency)
    return Done("proposal_added", f"The {ctx.actor.value} proposed {terms}.", result=proposal)


def change_proposal(ctx: ActionContext, proposal_id: int, form: dict[str, str]) -> Done:
    """Replace one's own live proposal; the old one stays in the history (N3)."""
    old = _proposal_of(ctx, proposal_id, ctx.actor)
    proposal = _new_proposal(ctx, form, supersedes=old)
    currency = ctx.dispute.currency
    summary = (
        f"The {ctx.actor.value} changed a proposal from {describe_terms(old.terms, currency)} "
        f"to {describe_terms(proposal.terms, currency)}."
    )
    return Done("proposal_changed", summary, result=proposal)


def send_message(ctx: ActionContext, body: str) -> Done:
    """Add a line to the negotiation thread (N7); it does not make anyone's form stale."""
    text = (body or "").strip()
    if not text:
        raise FormInvalid({"body": "Write a message first."})
    if len(text) > MESSAGE_MAX:
        raise FormInvalid({"body": f"Keep a message under {MESSAGE_MAX} characters."})
    message = Message(
        dispute_id=ctx.dispute.id, author_id=ctx.person.id, party=ctx.actor, body=text, created_at=ctx.now
    )
    db.session.add(message)
    summary = f"The {ctx.actor.value} sent a message in the negotiation thread."
    return Done("message", summary, result=message, quiet=True)
