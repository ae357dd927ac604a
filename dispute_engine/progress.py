"""What a person sees of a dispute's course: the progress bar (H3), M1 status, the queue (M7, M8)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .calendar import add_business_days, add_days
from .deadlines import next_deadline
from .facts import DisputeFacts
from .policy import Policy
from .vocabulary import (
    Actor,
    DeadlineKind,
    MediationStatus,
    Outcome,
    RefundStatus,
    ReshipStatus,
    ReturnStatus,
    Stage,
    State,
)
from .words import N_, Amount, Moment, Words

STAGES = tuple(Stage)


@dataclass(frozen=True)
class StageView:
    """One step of the bar: done, current, upcoming, skipped, or missed (its clock ran out unanswered)."""

    stage: Stage
    status: str
    note: str = ""  # how the step went, where its name alone would mislead ("accepted", "no answer")


@dataclass(frozen=True)
class Progress:
    """Where a dispute stands, what happens next, who must act and by when (H3)."""

    stages: tuple[StageView, ...]
    current: Stage | None
    next_step: str
    must_act: tuple[Actor, ...]
    deadline_at: datetime | None
    time_left: timedelta | None  # negative once the deadline has passed (a refund running late)


def mediation_status(facts: DisputeFacts) -> MediationStatus:
    """What an escalated dispute waits for: the mediator, or one or both parties (M1)."""
    waiting = {r.party for r in facts.open_requests}
    # M6: once someone rejected, the mediator reconsiders; only its evidence requests wait on parties.
    if facts.decision is not None and not facts.decision.someone_rejected:
        waiting.update(facts.decision.unanswered)
    if waiting == {Actor.BUYER, Actor.SELLER}:
        return MediationStatus.WAITING_BOTH
    if waiting == {Actor.BUYER}:
        return MediationStatus.WAITING_BUYER
    if waiting == {Actor.SELLER}:
        return MediationStatus.WAITING_SELLER
    return MediationStatus.PROCESSING


def current_stage(facts: DisputeFacts) -> Stage | None:
    """The stage the bar marks now; None once nothing is left to happen."""
    match facts.state:
        case State.AWAITING_SELLER:
            return Stage.SELLER_RESPONSE
        case State.NEGOTIATING:
            return Stage.NEGOTIATION
        case State.ESCALATED:
            return Stage.DECISION if facts.decision else Stage.PLATFORM_REVIEW
        case State.CLOSED if _money_still_moving(facts):
            return Stage.REFUND
    return None


def _money_still_moving(facts: DisputeFacts) -> bool:
    return (
        facts.refund_status is RefundStatus.PENDING
        or facts.return_status in (ReturnStatus.AWAITING_SHIPMENT, ReturnStatus.SHIPPED)
        or _reship_running(facts)
    )


def _reship_running(facts: DisputeFacts) -> bool:
    return facts.reship_status in (ReshipStatus.AWAITING_SHIPMENT, ReshipStatus.SHIPPED)


# F6, F7: how a re-shipment ending went, as the last step's note.
RESHIP_NOTES = {
    ReshipStatus.AWAITING_SHIPMENT: Words(N_("re-shipment")),
    ReshipStatus.SHIPPED: Words(N_("re-shipment on its way")),
    ReshipStatus.RECEIVED: Words(N_("replacement received")),
    ReshipStatus.NOT_SHIPPED: Words(N_("not re-shipped: refund instead")),
}


DECIDED_BY_PLATFORM = {
    Outcome.FINAL_DECISION: Words(N_("final decision")),
    Outcome.MEDIATION_AGREED: Words(N_("both accepted a solution")),
    Outcome.BUYER_MISSED_DEADLINE: Words(N_("the buyer missed a deadline")),
    Outcome.SELLER_MISSED_DEADLINE: Words(N_("the seller did not take part")),
}


def _path(facts: DisputeFacts) -> dict[Stage, tuple[str, str]]:
    """How each stage behind the dispute went, as (status, note); a stage missing was not reached."""
    outcome = facts.outcome
    path = {Stage.OPENED: ("done", "")}
    if facts.seller_responded_at is not None:
        accepted = outcome is Outcome.SELLER_ACCEPTED
        path[Stage.SELLER_RESPONSE] = ("done", Words(N_("accepted") if accepted else N_("rejected")))
        if not accepted:  # S3: a rejection is what opens the negotiation
            path[Stage.NEGOTIATION] = ("done", Words(N_("agreed")) if outcome is Outcome.AGREED else "")
    elif outcome is Outcome.SELLER_DID_NOT_RESPOND:
        path[Stage.SELLER_RESPONSE] = ("missed", Words(N_("no answer")))
    if facts.escalated_at is not None:  # N1 after a negotiation, or C3 a complaint after any ending
        path[Stage.PLATFORM_REVIEW] = ("done", "")
    if outcome in DECIDED_BY_PLATFORM and facts.escalated_at is not None:
        path[Stage.DECISION] = ("done", DECIDED_BY_PLATFORM[outcome])
    elif facts.decision is not None:
        path[Stage.DECISION] = ("done", "")
    if facts.refund_status is RefundStatus.REFUNDED:
        path[Stage.REFUND] = ("done", Words(N_("refunded")))
    elif facts.refund_status is RefundStatus.PENDING or facts.return_status is not None:
        path[Stage.REFUND] = ("done", "")
    if facts.return_status is ReturnStatus.LAPSED:
        path[Stage.REFUND] = ("missed", Words(N_("the item was not sent back")))
    if facts.reship_status in RESHIP_NOTES:
        # A re-shipment ends the dispute with a parcel, not money, unless the seller failed to ship.
        missed = facts.reship_status is ReshipStatus.NOT_SHIPPED
        note = RESHIP_NOTES[facts.reship_status]
        if missed and facts.refund_status is RefundStatus.REFUNDED:
            note = Words(N_("not re-shipped: refunded"))
        path[Stage.REFUND] = ("missed" if missed else "done", note)
    return path


def _current_note(facts: DisputeFacts, stage: Stage) -> str:
    """The last step runs a re-shipment, not a refund (F6): the bar says so."""
    if stage is Stage.REFUND and facts.reship_status is not None and _reship_running(facts):
        return RESHIP_NOTES[facts.reship_status]
    return ""


def progress(facts: DisputeFacts, now: datetime) -> Progress:
    """The progress bar's model: every stage's status, the next step, who acts, time left (H3).

    Behind the current stage each ending draws its own path: a stage the dispute went through is
    done, one it went past without is skipped, and a seller who let S1 run out missed its response.
    """
    current = current_stage(facts)
    path = _path(facts)
    finished = current is None
    views = []
    for stage in STAGES:
        if stage is current:
            views.append(StageView(stage, "current", _current_note(facts, stage)))
        elif finished or STAGES.index(stage) < STAGES.index(current or Stage.REFUND):
            views.append(StageView(stage, *path.get(stage, ("skipped", ""))))
        else:
            views.append(StageView(stage, "upcoming"))
    deadline = next_deadline(facts)
    must_act = deadline.must_act if deadline else _who_acts_without_clock(facts)
    at = deadline.at if deadline else None
    if at is None and facts.refund_status is RefundStatus.PENDING:
        at = facts.refund_due_at  # F1: nothing acts then, but it is the date the parties watch
    if at is None and facts.reship_status is ReshipStatus.SHIPPED:
        at = facts.reship_due_at  # C5: the end of the delivery window, when the buyer may reopen
    return Progress(
        tuple(views),
        current,
        next_step(facts),
        must_act,
        at,
        at - now if at else None,
    )


def _who_acts_without_clock(facts: DisputeFacts) -> tuple[Actor, ...]:
    if facts.state is State.ESCALATED:
        return (Actor.MEDIATOR,)
    if facts.refund_status is RefundStatus.PENDING:
        return (Actor.SELLER,)
    if facts.reship_status is ReshipStatus.SHIPPED:
        return (Actor.BUYER,)  # F7: confirms the parcel arrived
    return ()


def next_step(facts: DisputeFacts) -> str:
    """One sentence on what happens next, for both parties."""
    policy, request = facts.policy, facts.request
    amount = Amount(request.amount, facts.currency)
    deadline = next_deadline(facts)
    when = Moment(deadline.at) if deadline else ""
    if facts.state is State.AWAITING_SELLER:
        return Words(
            N_(
                "The seller accepts or rejects the request. Without an answer by %(when)s UTC, "
                "the dispute closes in the buyer's favour and %(amount)s is refunded."
            ),
            when=when,
            amount=amount,
        )
    if facts.state is State.NEGOTIATING:
        return Words(
            N_("Buyer and seller try to agree. Without agreement by %(when)s UTC, the platform steps in."),
            when=when,
        )
    if facts.state is State.ESCALATED:
        status = mediation_status(facts)
        if deadline and deadline.kind is DeadlineKind.DECISION_ANSWERS:
            return Words(N_("Each party accepts a solution or rejects them by %(when)s UTC."), when=when)
        if deadline:
            return Words(
                N_("%(status)s: the evidence the mediator asked for is due by %(when)s UTC."),
                status=status.label,
                when=when,
            )
        return Words(N_("The mediator is reviewing the evidence and will propose a decision."))
    if facts.return_status is ReturnStatus.AWAITING_SHIPMENT:
        return Words(
            N_("The buyer ships the item back and enters the tracking number by %(when)s UTC."), when=when
        )
    if facts.return_status is ReturnStatus.SHIPPED:
        return Words(
            N_("The seller confirms the item arrived by %(when)s UTC; then the refund is due."), when=when
        )
    if facts.reship_status is ReshipStatus.AWAITING_SHIPMENT:
        fallback = facts.outcome_terms.amount if facts.outcome_terms else request.amount
        return Words(
            N_(
                "The seller ships a replacement and enters its tracking number by %(when)s UTC; "
                "otherwise %(amount)s is refunded."
            ),
            when=when,
            amount=Amount(fallback, facts.currency),
        )
    if facts.reship_status is ReshipStatus.SHIPPED and facts.reship_due_at:
        return Words(
            N_(
                "The replacement is on its way: the buyer confirms it arrived. If it has not arrived by "
                "%(at)s UTC, the buyer can reopen the dispute."
            ),
            at=Moment(facts.reship_due_at),
        )
    if facts.refund_status is RefundStatus.PENDING and facts.refund_due_at:
        return Words(
            N_("The refund is due by %(day)s UTC."), day=Moment(facts.refund_due_at, with_time=False)
        )
    if facts.state is State.CANCELLED:
        return Words(
            N_("Cancelled. The buyer can reopen it until %(when)s UTC."), when=Moment(facts.open_until)
        )
    return Words(
        N_("Closed. A complaint can follow within %(days)s days of closing."), days=policy.appeal_days
    )


def mediator_due_at(facts: DisputeFacts) -> datetime | None:
    """When the mediator must next act, for ordering the queue (M8); None if not escalated."""
    if facts.state is not State.ESCALATED or facts.escalated_at is None:
        return None
    policy = facts.policy
    dues = [add_days(facts.escalated_at, policy.final_resolution_days)]
    contact_days = policy.first_contact_business_days.get(facts.buyer_tier)
    if contact_days is not None and facts.mediator_acted_at is None:
        dues.append(add_business_days(facts.escalated_at, contact_days))
    deadline = next_deadline(facts)
    if deadline is not None:
        dues.append(deadline.at)
    return min(dues)


def first_contact_due(policy: Policy, escalated_at: datetime, tier: str) -> datetime | None:
    """dhgate: when the resolution center must contact a member of `tier` (M8)."""
    days = policy.first_contact_business_days.get(tier)
    return add_business_days(escalated_at, days) if days is not None else None


def buyer_is_suspicious(recent_disputes: int, policy: Policy) -> bool:
    """Whether the buyer's recent dispute count is a warning sign for the mediator (M7)."""
    return recent_disputes >= policy.buyer_warning_disputes
