"""After a service did its work: persist the engine's step, record the history, bump the version.

`finish` is the bookkeeping every action and every passed deadline shares; services never write
history, versions or states themselves, they return a `Done`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import update

from dispute_engine import (
    Action,
    Actor,
    DisputeFacts,
    State,
    Step,
    Terms,
    next_deadline,
    take,
)
from dispute_engine.words import N_, Amount, Words, join
from webapp.core.extensions import db
from webapp.disputes.events import (
    DisputeChanged,
    DisputeClosed,
    DisputeEscalated,
    DisputeReopened,
    ReturnClockRan,
    publish,
)
from webapp.disputes.facts import dispute_facts
from webapp.disputes.models import Dispute, ProposalStatus
from webapp.history.record import record

if TYPE_CHECKING:
    from webapp.accounts.models import User


@dataclass
class ActionContext:
    """A locked, up-to-date dispute, who acts on it (None: the clock), when, and which action."""

    dispute: Dispute
    actor: Actor
    user: User | None
    now: datetime
    facts: DisputeFacts
    action: Action | None = None
    closing_details: dict[str, Any] = field(default_factory=dict)  # DisputeClosed handlers' additions

    @property
    def person(self) -> User:
        """The acting user; only the clock acts without one."""
        assert self.user is not None, "the clock has no user"
        return self.user


@dataclass
class Done:
    """What a service did, in words for the history, and the inputs the engine's step needs."""

    action: str  # the history event's name
    summary: str
    rule: str | None = None  # defaults to the engine's rule for the step
    data: dict[str, Any] = field(default_factory=dict)
    result: Any = None  # handed back to the caller of `perform`
    terms: Terms | None = None  # the accepted proposal's terms (ACCEPT_PROPOSAL)
    solution: int | None = None  # the solution answered or picked (ANSWER_DECISION, FINAL_DECISION)
    closing_summary: str = ""  # set when the closing is its own history line after this one
    outcome_comment: str = ""
    # Thread messages and evidence have their own cursors: they leave the other party's forms valid.
    quiet: bool = False
    notify: bool = True  # False: the history line tells nobody (a download of the case)
    step: Step | None = None  # given for a passed deadline; for an action the engine makes it


def describe_terms(terms: Terms, currency: str) -> str:
    """`Refund only, 45.00 USD`."""
    return Words("%(kind)s, %(amount)s", kind=terms.resolution.label, amount=Amount(terms.amount, currency))


def refresh_deadline(dispute: Dispute) -> None:
    """Store the dispute's next deadline so `tick` can find it with an index."""
    deadline = next_deadline(dispute_facts(dispute))
    dispute.next_deadline_at = deadline.at if deadline else None
    dispute.next_deadline_kind = deadline.kind if deadline else None


def _persist(ctx: ActionContext, step: Step, comment: str) -> list[str]:
    """Write the engine's step onto the dispute and let the features react; the only state change."""
    dispute, at = ctx.dispute, ctx.now
    notes: list[str] = []
    if step.closing or step.escalates:
        for proposal in dispute.live_proposals():
            proposal.status = ProposalStatus.WITHDRAWN
            proposal.answered_at = at
    if step.seller_answers and dispute.seller_responded_at is None:
        dispute.seller_responded_at = at
    if step.reopens:
        dispute.opened_at = at
        dispute.seller_responded_at = dispute.closed_at = None
        dispute.outcome = dispute.outcome_resolution = dispute.outcome_amount = None
        dispute.outcome_comment = ""
        dispute.table_the_request(ctx.person.id, at)
        notes += publish(DisputeReopened(dispute, at))
    dispute.state = step.after
    if step.closing:
        dispute.closed_at = at
        dispute.outcome = step.closing.outcome
        dispute.outcome_resolution = step.closing.terms.resolution
        dispute.outcome_amount = step.closing.terms.amount
        dispute.outcome_comment = comment
        closed = DisputeClosed(dispute, step.closing, at, step.by_clock)
        notes += publish(closed)
        ctx.closing_details.update(closed.details)
    if step.escalates:
        dispute.escalated_at = at
        dispute.mediator_acted_at = None
        notes += publish(DisputeEscalated(dispute, at))
    if step.return_effect:
        notes += publish(ReturnClockRan(dispute, step.return_effect, at))
    return notes


def _record(
    ctx: ActionContext, action: str, summary: str, rule: str | None, data: dict[str, Any], notify: bool = True
) -> None:
    dispute = ctx.dispute
    people = [dispute.order.buyer_id, dispute.order.seller_id] if notify else []
    if dispute.mediator_id is not None and notify:
        people.append(dispute.mediator_id)
    record(
        dispute.id,
        people,
        actor=ctx.actor,
        user=ctx.user,
        action=action,
        summary=summary,
        at=ctx.now,
        rule=rule,
        data=data,
    )


def _closing_line(step: Step, summary: str, currency: str, comment: str) -> tuple[str, str, dict[str, Any]]:
    assert step.closing is not None
    outcome, terms = step.closing.outcome, step.closing.terms
    action = "cancelled" if step.after is State.CANCELLED else "closed"
    said = Words(
        N_("%(summary)s Outcome: %(outcome)s. Terms: %(terms)s."),
        summary=summary,
        outcome=outcome.label,
        terms=describe_terms(terms, currency),
    )
    data = {"outcome": outcome.value, "resolution": terms.resolution.value, "amount": str(terms.amount)}
    return action, said, {**data, "comment": comment}


def finish(ctx: ActionContext, done: Done) -> None:
    """Persist the step, record the history and notify, bump the version, store the next deadline."""
    step = done.step
    if step is None and ctx.action is not None:
        step = take(ctx.facts, ctx.actor, ctx.action, ctx.now, terms=done.terms, solution=done.solution)
    notes = _persist(ctx, step, done.outcome_comment) if step else []
    rule = done.rule or (step.rule if step else None) or None  # PLATFORM's "" is no rule
    summary = join(" ", [done.summary, *notes])
    action = done.action
    if step and step.closing and not done.closing_summary:
        action, said, data = _closing_line(step, summary, ctx.dispute.currency, done.outcome_comment)
        _record(ctx, action, said, step.rule, {**done.data, **data, **ctx.closing_details})
    else:
        _record(ctx, action, summary, rule, done.data, done.notify)
    if step and step.closing and done.closing_summary:
        action, said, data = _closing_line(
            step, done.closing_summary, ctx.dispute.currency, done.outcome_comment
        )
        _record(ctx, action, said, step.rule, {**data, **ctx.closing_details})
    if done.quiet:
        _bump_activity(ctx.dispute)
    else:
        ctx.dispute.updated_at = ctx.now
        db.session.flush()  # the version bump happens here (the row's version counter)
        refresh_deadline(ctx.dispute)
    # Last, so a subscriber (webhooks) sees the new state, version and next deadline.
    publish(DisputeChanged(ctx.dispute, action, step, ctx.now))
    db.session.flush()


def _bump_activity(dispute: Dispute) -> None:
    """Tell open pages something new is shown, without making their forms stale (no version bump)."""
    db.session.flush()
    db.session.execute(update(Dispute).where(Dispute.id == dispute.id).values(activity=Dispute.activity + 1))
    db.session.expire(dispute, ["activity"])
