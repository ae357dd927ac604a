"""Who may do what in which state: the transition table and its guards."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from .calendar import add_days
from .errors import NotPermitted, RuleViolation
from .facts import DisputeFacts
from .vocabulary import Action, Actor, RefundStatus, ReshipStatus, ReturnStatus, State
from .words import N_, Moment, Words

Guard = Callable[[DisputeFacts, Actor, datetime], RuleViolation | None]

B, S, M = Actor.BUYER, Actor.SELLER, Actor.MEDIATOR
# The rule id of actions no rule of the document covers (taking and handing over a case).
PLATFORM = ""
PARTIES = frozenset({B, S})
OPEN = (State.AWAITING_SELLER, State.NEGOTIATING, State.ESCALATED)


@dataclass(frozen=True)
class Transition:
    """One row of the table: in which states which actors may take `action`, and where it leads."""

    action: Action
    rule: str
    who: Mapping[State, frozenset[Actor]]
    to: Mapping[State, State] = field(default_factory=dict)  # missing: the state stays
    guard: Guard | None = None


def _manual_escalation(facts: DisputeFacts, actor: Actor, now: datetime) -> RuleViolation | None:
    policy = facts.policy
    if not policy.manual_escalation:
        return RuleViolation(
            "N1",
            N_(
                "%(marketplace)s has no escalate button: the dispute goes to the platform by itself "
                "%(days)s days after it was opened."
            ),
            marketplace=policy.title,
            days=policy.negotiation_days,
        )
    allowed_from = add_days(facts.opened_at, policy.seller_response_days)
    if now < allowed_from:
        return RuleViolation(
            "N1",
            N_("You can escalate from %(at)s UTC, after the seller's %(days)s days."),
            at=Moment(allowed_from),
            days=policy.seller_response_days,
        )
    return None


def _has_open_request(facts: DisputeFacts, actor: Actor, now: datetime) -> RuleViolation | None:
    if not facts.requests_for(actor):
        return RuleViolation("M2", N_("The mediator has not asked you for evidence."))
    return None


def _may_answer_decision(facts: DisputeFacts, actor: Actor, now: datetime) -> RuleViolation | None:
    if facts.decision is None:
        return RuleViolation("M4", N_("The mediator has not proposed a decision yet."))
    if facts.decision.answer(actor) is not None:
        return RuleViolation("M4", N_("You have already answered the mediator's proposal."))
    return None


def _may_decide(facts: DisputeFacts, actor: Actor, now: datetime) -> RuleViolation | None:
    decision = facts.decision
    if decision is None:
        return RuleViolation(
            "M5", N_("Propose a decision first; the final decision picks one of its solutions.")
        )
    if not (decision.someone_rejected or not decision.unanswered):
        return RuleViolation(
            "M5", N_("Wait for the parties: a final decision follows a rejection or both answers.")
        )
    return None


def _reopen_window(facts: DisputeFacts, actor: Actor, now: datetime) -> RuleViolation | None:
    if facts.state is State.CLOSED:
        return _replacement_overdue(facts, now)
    if now > facts.open_until:
        return RuleViolation("C2", N_("The time to reopen ended on %(at)s UTC."), at=Moment(facts.open_until))
    return None


def _replacement_overdue(facts: DisputeFacts, now: datetime) -> RuleViolation | None:
    """C5: a closed dispute reopens only when its new parcel's delivery window passed unconfirmed."""
    if facts.reship_status is not ReshipStatus.SHIPPED or facts.reship_due_at is None:
        return RuleViolation(
            "C5", N_("A closed dispute can be reopened only when a re-shipped parcel did not arrive.")
        )
    if now <= facts.reship_due_at:
        return RuleViolation(
            "C5",
            N_("The new parcel may still arrive: if it has not by %(at)s UTC, you can reopen the dispute."),
            at=Moment(facts.reship_due_at),
        )
    return None


def _reship_is(status: ReshipStatus, rule: str, message: str) -> Guard:
    def guard(facts: DisputeFacts, actor: Actor, now: datetime) -> RuleViolation | None:
        return None if facts.reship_status is status else RuleViolation(rule, message)

    return guard


def _appeal_window(facts: DisputeFacts, actor: Actor, now: datetime) -> RuleViolation | None:
    if facts.appealed:
        return RuleViolation("C3", N_("A complaint can be submitted once per order, and it was."))
    assert facts.closed_at is not None
    window_ends = add_days(facts.closed_at, facts.policy.appeal_days)
    refund_overdue = (
        facts.refund_status is RefundStatus.PENDING
        and facts.refund_due_at is not None
        and now > facts.refund_due_at
    )
    if now > window_ends and not refund_overdue:
        return RuleViolation(
            "C3", N_("The time to submit a complaint ended on %(at)s UTC."), at=Moment(window_ends)
        )
    return None


def _return_is(status: ReturnStatus, message: str, rule: str = "F2") -> Guard:
    def guard(facts: DisputeFacts, actor: Actor, now: datetime) -> RuleViolation | None:
        return None if facts.return_status is status else RuleViolation(rule, message)

    return guard


def _refund_pending(facts: DisputeFacts, actor: Actor, now: datetime) -> RuleViolation | None:
    if facts.refund_status is not RefundStatus.PENDING:
        return RuleViolation("F1", N_("There is no pending refund on this dispute."))
    return None


def _in(states: tuple[State, ...], actors: frozenset[Actor]) -> dict[State, frozenset[Actor]]:
    return dict.fromkeys(states, actors)


BUYER_ONLY, SELLER_ONLY, MEDIATOR_ONLY = frozenset({B}), frozenset({S}), frozenset({M})
NEGOTIABLE = {State.AWAITING_SELLER: BUYER_ONLY, State.NEGOTIATING: PARTIES}

TABLE: dict[Action, Transition] = {
    t.action: t
    for t in (
        Transition(Action.CHANGE_DISPUTE, "N6", _in(OPEN[:2], BUYER_ONLY)),
        Transition(
            Action.ACCEPT_PROPOSAL,
            "N4",
            {State.AWAITING_SELLER: SELLER_ONLY, State.NEGOTIATING: PARTIES},
            dict.fromkeys(OPEN[:2], State.CLOSED),
        ),
        Transition(
            Action.REJECT_REQUEST,
            "S3",
            {State.AWAITING_SELLER: SELLER_ONLY},
            {State.AWAITING_SELLER: State.NEGOTIATING},
        ),
        Transition(Action.REJECT_PROPOSAL, "N5", {State.NEGOTIATING: PARTIES}),
        Transition(Action.ADD_PROPOSAL, "N2", NEGOTIABLE),
        Transition(Action.CHANGE_PROPOSAL, "N3", NEGOTIABLE),
        Transition(
            Action.ESCALATE,
            "N1",
            {State.NEGOTIATING: BUYER_ONLY},
            {State.NEGOTIATING: State.ESCALATED},
            _manual_escalation,
        ),
        Transition(Action.SEND_MESSAGE, "N7", _in(OPEN, PARTIES)),
        Transition(Action.PIN_MESSAGE, "N7", _in(OPEN, PARTIES)),
        Transition(Action.ADD_EVIDENCE, "E1", _in(OPEN, PARTIES)),
        Transition(Action.REMOVE_EVIDENCE, "E1", _in(OPEN, PARTIES)),
        Transition(Action.REQUEST_EVIDENCE, "M2", {State.ESCALATED: MEDIATOR_ONLY}),
        Transition(Action.RESPOND_EVIDENCE, "M2", {State.ESCALATED: PARTIES}, guard=_has_open_request),
        Transition(Action.PROPOSE_DECISION, "M4", {State.ESCALATED: MEDIATOR_ONLY}),
        Transition(Action.ANSWER_DECISION, "M4", {State.ESCALATED: PARTIES}, guard=_may_answer_decision),
        Transition(
            Action.FINAL_DECISION,
            "M5",
            {State.ESCALATED: MEDIATOR_ONLY},
            {State.ESCALATED: State.CLOSED},
            _may_decide,
        ),
        Transition(
            Action.CANCEL,
            "C1",
            _in(OPEN, BUYER_ONLY),
            {
                State.AWAITING_SELLER: State.CANCELLED,
                State.NEGOTIATING: State.CANCELLED,
                State.ESCALATED: State.CLOSED,
            },
        ),
        Transition(
            Action.REOPEN,
            "C2",
            {State.CANCELLED: BUYER_ONLY, State.CLOSED: BUYER_ONLY},  # closed: C5
            {State.CANCELLED: State.AWAITING_SELLER, State.CLOSED: State.AWAITING_SELLER},
            _reopen_window,
        ),
        Transition(
            Action.APPEAL,
            "C3",
            {State.CLOSED: BUYER_ONLY},
            {State.CLOSED: State.ESCALATED},
            _appeal_window,
        ),
        Transition(
            Action.SHIP_RETURN,
            "F2",
            {State.CLOSED: BUYER_ONLY},
            guard=_return_is(ReturnStatus.AWAITING_SHIPMENT, N_("There is no return waiting to be shipped.")),
        ),
        Transition(
            Action.CONFIRM_RETURN,
            "F2",
            {State.CLOSED: SELLER_ONLY},
            guard=_return_is(ReturnStatus.SHIPPED, N_("There is no shipped return to confirm.")),
        ),
        Transition(
            Action.SET_RETURN_ADDRESS,
            "F5",
            {State.CLOSED: SELLER_ONLY},
            guard=_return_is(
                ReturnStatus.AWAITING_SHIPMENT,
                N_("The return address can be given only before the item is shipped."),
                "F5",
            ),
        ),
        Transition(
            Action.SHIP_REPLACEMENT,
            "F6",
            {State.CLOSED: SELLER_ONLY},
            guard=_reship_is(
                ReshipStatus.AWAITING_SHIPMENT, "F6", N_("There is no re-shipment waiting to be sent.")
            ),
        ),
        Transition(
            Action.CONFIRM_REPLACEMENT,
            "F7",
            {State.CLOSED: BUYER_ONLY},
            guard=_reship_is(ReshipStatus.SHIPPED, "F7", N_("There is no re-shipped parcel to confirm.")),
        ),
        Transition(
            Action.MARK_REFUNDED,
            "F1",
            {State.CLOSED: frozenset({S, M})},
            guard=_refund_pending,
        ),
        # Which mediator may take or hand over a case is the platform's to check (who holds it).
        Transition(Action.TAKE_CASE, PLATFORM, {State.ESCALATED: MEDIATOR_ONLY}),
        Transition(Action.REASSIGN_CASE, PLATFORM, {State.ESCALATED: MEDIATOR_ONLY}),
    )
}

STATE_WORDS = {
    State.AWAITING_SELLER: Words(N_("while the seller has not answered yet")),
    State.NEGOTIATING: Words(N_("during negotiation")),
    State.ESCALATED: Words(N_("once the dispute is with the platform")),
    State.CLOSED: Words(N_("on a closed dispute")),
    State.CANCELLED: Words(N_("on a cancelled dispute")),
}
# Who is refused, as the subject of a sentence.
THE_ACTOR = {
    Actor.BUYER: Words(N_("The buyer")),
    Actor.SELLER: Words(N_("The seller")),
    Actor.MEDIATOR: Words(N_("The mediator")),
    Actor.SYSTEM: Words(N_("The system")),
}


def check(facts: DisputeFacts, actor: Actor, action: Action, now: datetime) -> None:
    """Raise RuleViolation unless `actor` may take `action` on this dispute now."""
    row = TABLE[action]
    allowed = row.who.get(facts.state)
    if allowed is None:
        raise RuleViolation(row.rule, N_("That cannot be done %(when)s."), when=STATE_WORDS[facts.state])
    if actor not in allowed:
        raise NotPermitted(
            row.rule,
            N_("%(who)s cannot do that %(when)s."),
            who=THE_ACTOR[actor],
            when=STATE_WORDS[facts.state],
        )
    if row.guard and (refusal := row.guard(facts, actor, now)):
        raise refusal


def allowed_actions(facts: DisputeFacts, actor: Actor, now: datetime) -> frozenset[Action]:
    """Every action `actor` may take on this dispute now (what the page offers, and only that)."""
    allowed = set()
    for action in TABLE:
        try:
            check(facts, actor, action, now)
        except RuleViolation:
            continue
        allowed.add(action)
    return frozenset(allowed)


def next_state(facts: DisputeFacts, action: Action) -> State:
    """The state the dispute is in after `action` (the same one for most actions)."""
    return TABLE[action].to.get(facts.state, facts.state)
