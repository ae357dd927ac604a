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
from dispute_engine.transitions import THE_ACTOR
from dispute_engine.words import N_, Words
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
        raise RuleViolation("N4", N_("That proposal is not one you can act on here."))
    if proposal.status is ProposalStatus.SUPERSEDED:
        raise StaleDispute(
            Words(
                N_(
                    "%(who)s changed that proposal before you answered it. Nothing was done: "
                    "look at the new proposal and decide."
                ),
                who=THE_ACTOR[party],
            )
        )
    if not proposal.is_live:
        raise StaleDispute(Words(N_("That proposal is no longer on the table. Nothing was done.")))
    return proposal


def _check_unused_terms(form: dict[str, str]) -> None:
    """Without an amount the other terms are not used, but they are still refused when malformed."""
    if (form.get("resolution") or Resolution.REFUND_ONLY.value) not in {r.value for r in Resolution}:
        raise FormInvalid({"resolution": N_("Choose Refund only, Return goods and refund, or Re-shipment.")})
    if len((form.get("comment") or "").strip()) > COMMENT_MAX:
        raise FormInvalid(
            {"comment": Words(N_("Keep the comment under %(limit)s characters."), limit=COMMENT_MAX)}
        )


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
    said = (
        Words(
            N_("The seller rejected the buyer's request and proposed %(terms)s."),
            terms=describe_terms(counter.terms, ctx.dispute.currency),
        )
        if counter
        else Words(N_("The seller rejected the buyer's request."))
    )
    return Done("request_rejected", said, result=counter)


def accept_proposal(ctx: ActionContext, proposal_id: int) -> Done:
    """Accept one of the other party's live proposals: the dispute closes on it (S2, N4)."""
    proposal = _proposal_of(ctx, proposal_id, ctx.actor.other_party)
    proposal.status = ProposalStatus.ACCEPTED
    proposal.answered_at = ctx.now
    summary = Words(
        N_("%(who)s accepted the buyer's proposal.")
        if proposal.party is Actor.BUYER
        else N_("%(who)s accepted the seller's proposal."),
        who=THE_ACTOR[ctx.actor],
    )
    return Done("closed", summary, terms=proposal.terms)


def reject_proposal(ctx: ActionContext, proposal_id: int) -> Done:
    """Reject one of the other party's proposals; the clock keeps running (N5)."""
    proposal = _proposal_of(ctx, proposal_id, ctx.actor.other_party)
    if proposal.status is not ProposalStatus.PENDING:
        raise RuleViolation("N5", N_("That proposal was already rejected."))
    proposal.status = ProposalStatus.REJECTED
    proposal.answered_at = ctx.now
    terms = describe_terms(proposal.terms, ctx.dispute.currency)
    return Done(
        "proposal_rejected", Words(N_("%(who)s rejected %(terms)s."), who=THE_ACTOR[ctx.actor], terms=terms)
    )


def add_proposal(ctx: ActionContext, form: dict[str, str]) -> Done:
    """Add a solution of the other resolution kind (N2 "Add solution")."""
    proposal = _new_proposal(ctx, form)
    terms = describe_terms(proposal.terms, ctx.dispute.currency)
    said = Words(N_("%(who)s proposed %(terms)s."), who=THE_ACTOR[ctx.actor], terms=terms)
    return Done("proposal_added", said, result=proposal)


def change_proposal(ctx: ActionContext, proposal_id: int, form: dict[str, str]) -> Done:
    """Replace one's own live proposal; the old one stays in the history (N3)."""
    old = _proposal_of(ctx, proposal_id, ctx.actor)
    proposal = _new_proposal(ctx, form, supersedes=old)
    currency = ctx.dispute.currency
    summary = Words(
        N_("%(who)s changed a proposal from %(old)s to %(new)s."),
        who=THE_ACTOR[ctx.actor],
        old=describe_terms(old.terms, currency),
        new=describe_terms(proposal.terms, currency),
    )
    return Done("proposal_changed", summary, result=proposal)


def send_message(ctx: ActionContext, body: str) -> Done:
    """Add a line to the negotiation thread (N7); it does not make anyone's form stale."""
    text = (body or "").strip()
    if not text:
        raise FormInvalid({"body": N_("Write a message first.")})
    if len(text) > MESSAGE_MAX:
        raise FormInvalid(
            {"body": Words(N_("Keep a message under %(limit)s characters."), limit=MESSAGE_MAX)}
        )
    message = Message(
        dispute_id=ctx.dispute.id, author_id=ctx.person.id, party=ctx.actor, body=text, created_at=ctx.now
    )
    db.session.add(message)
    summary = Words(N_("%(who)s sent a message in the negotiation thread."), who=THE_ACTOR[ctx.actor])
    return Done("message", summary, result=message, quiet=True)
