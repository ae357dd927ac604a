"""The engine's steps: what each action and each passed deadline does to a dispute.

The expected rows are written out by hand from dispute-rules.md: the state before, who acts, the
state after, and how the dispute ends when it ends (outcome and terms).
"""

from __future__ import annotations

import pytest
from dispute_builders import (
    ALL_BACK_AFTER_RETURN,
    DHGATE,
    HALF_BACK_KEEP_ITEM,
    REQUEST,
    after_opening,
    cancelled,
    closed,
    decision,
    escalated,
    evidence_request,
    facts,
    negotiating,
)

from dispute_engine import (
    NOTHING,
    REJECTED,
    Action,
    Actor,
    Closing,
    DisputeFacts,
    EffectKind,
    FormInvalid,
    Outcome,
    RefundStatus,
    ReturnStatus,
    RuleViolation,
    State,
    next_deadline,
    on_deadline,
    opening_state,
    take,
)

B, S, M = Actor.BUYER, Actor.SELLER, Actor.MEDIATOR
NOW = after_opening(1)
LATE = after_opening(6)

# (rule, facts before, actor, action, state after, closing or None)
ACTIONS = [
    ("S2", facts(), S, Action.ACCEPT_PROPOSAL, State.CLOSED, Closing(Outcome.SELLER_ACCEPTED, REQUEST)),
    ("N4", negotiating(), B, Action.ACCEPT_PROPOSAL, State.CLOSED, Closing(Outcome.AGREED, REQUEST)),
    ("S3", facts(), S, Action.REJECT_REQUEST, State.NEGOTIATING, None),
    ("N5", negotiating(), S, Action.REJECT_PROPOSAL, State.NEGOTIATING, None),
    ("N2", negotiating(), S, Action.ADD_PROPOSAL, State.NEGOTIATING, None),
    ("N3", facts(), B, Action.CHANGE_PROPOSAL, State.AWAITING_SELLER, None),
    ("N6", facts(), B, Action.CHANGE_DISPUTE, State.AWAITING_SELLER, None),
    ("N7", escalated(), S, Action.SEND_MESSAGE, State.ESCALATED, None),
    ("C1", facts(), B, Action.CANCEL, State.CANCELLED, Closing(Outcome.CANCELLED, NOTHING)),
    ("C1", negotiating(), B, Action.CANCEL, State.CANCELLED, Closing(Outcome.CANCELLED, NOTHING)),
    ("C1", escalated(), B, Action.CANCEL, State.CLOSED, Closing(Outcome.ARBITRATION_CANCELLED, NOTHING)),
    ("M2", escalated(), M, Action.REQUEST_EVIDENCE, State.ESCALATED, None),
    ("M4", escalated(), M, Action.PROPOSE_DECISION, State.ESCALATED, None),
    ("F2", closed(return_status=ReturnStatus.AWAITING_SHIPMENT), B, Action.SHIP_RETURN, State.CLOSED, None),
    ("F2", closed(return_status=ReturnStatus.SHIPPED), S, Action.CONFIRM_RETURN, State.CLOSED, None),
    ("F1", closed(refund_status=RefundStatus.PENDING), S, Action.MARK_REFUNDED, State.CLOSED, None),
]


@pytest.mark.parametrize(("rule", "before", "actor", "action", "after", "closing"), ACTIONS)
def test_each_action_leads_where_the_rules_say(
    rule: str, before: DisputeFacts, actor: Actor, action: Action, after: State, closing: Closing | None
) -> None:
    step = take(before, actor, action, NOW, terms=REQUEST)
    assert (step.rule, step.before, step.after, step.closing) == (rule, before.state, after, closing)
    assert step.moves is (before.state is not after)


def test_s2_s3_the_sellers_first_answer_is_marked_and_a_buyers_accept_is_not() -> None:
    assert take(facts(), S, Action.REJECT_REQUEST, NOW).seller_answers
    assert take(facts(), S, Action.ACCEPT_PROPOSAL, NOW, terms=REQUEST).seller_answers
    assert not take(negotiating(), B, Action.ACCEPT_PROPOSAL, NOW, terms=REQUEST).seller_answers


def test_n1_escalating_by_hand_hands_the_dispute_to_the_platform() -> None:
    step = take(negotiating(policy=DHGATE), B, Action.ESCALATE, LATE)
    assert (step.after, step.escalates, step.closing) == (State.ESCALATED, True, None)


def test_c2_reopening_restarts_the_sellers_turn() -> None:
    step = take(cancelled(closed_at=NOW), B, Action.REOPEN, NOW)
    assert (step.after, step.reopens) == (State.AWAITING_SELLER, True)


def test_c3_a_complaint_sends_a_closed_dispute_back_to_mediation() -> None:
    step = take(closed(closed_at=NOW), B, Action.APPEAL, NOW)
    assert (step.rule, step.after, step.escalates) == ("C3", State.ESCALATED, True)


def test_a_refused_action_is_refused_before_any_step_is_made() -> None:
    with pytest.raises(RuleViolation) as refused:
        take(closed(), S, Action.REJECT_REQUEST, NOW)
    assert refused.value.rule == "S3"


def test_m4_one_party_accepting_leaves_the_dispute_with_the_mediator() -> None:
    step = take(escalated(decision=decision()), B, Action.ANSWER_DECISION, NOW, solution=1)
    assert (step.rule, step.after, step.closing) == ("M4", State.ESCALATED, None)


def test_m5_both_accepting_the_same_solution_closes_on_it() -> None:
    before = escalated(decision=decision(buyer=2))
    step = take(before, S, Action.ANSWER_DECISION, NOW, solution=2)
    assert (step.rule, step.after) == ("M5", State.CLOSED)
    assert step.closing == Closing(Outcome.MEDIATION_AGREED, ALL_BACK_AFTER_RETURN)


def test_m6_a_rejection_keeps_the_dispute_with_the_mediator() -> None:
    step = take(escalated(decision=decision(buyer=1)), S, Action.ANSWER_DECISION, NOW, solution=REJECTED)
    assert (step.rule, step.after, step.closing) == ("M6", State.ESCALATED, None)


@pytest.mark.parametrize("solution", [None, -1, 3])
def test_m4_an_answer_outside_the_offered_solutions_is_a_form_error(solution: int | None) -> None:
    with pytest.raises(FormInvalid) as invalid:
        take(escalated(decision=decision()), B, Action.ANSWER_DECISION, NOW, solution=solution)
    assert "solution" in invalid.value.errors


def test_m5_the_final_decision_closes_on_the_chosen_solution() -> None:
    before = escalated(decision=decision(buyer=REJECTED))
    step = take(before, M, Action.FINAL_DECISION, NOW, solution=1)
    assert step.closing == Closing(Outcome.FINAL_DECISION, HALF_BACK_KEEP_ITEM)
    with pytest.raises(FormInvalid):
        take(before, M, Action.FINAL_DECISION, NOW, solution=0)


# (rule, facts whose next deadline passes, state after, what follows)
DEADLINES = [
    ("S1", facts(), State.CLOSED, Closing(Outcome.SELLER_DID_NOT_RESPOND, REQUEST)),
    ("N1", negotiating(), State.ESCALATED, None),
    (
        "M3",
        escalated(open_requests=(evidence_request(B, after_opening(9)),)),
        State.CLOSED,
        Closing(Outcome.BUYER_MISSED_DEADLINE, NOTHING),
    ),
    (
        "M3",
        escalated(open_requests=(evidence_request(S, after_opening(9)),)),
        State.CLOSED,
        Closing(Outcome.SELLER_MISSED_DEADLINE, REQUEST),
    ),
    (
        "M3",
        escalated(decision=decision(buyer=2)),
        State.CLOSED,
        Closing(Outcome.SELLER_MISSED_DEADLINE, ALL_BACK_AFTER_RETURN),
    ),
]


@pytest.mark.parametrize(("rule", "before", "after", "closing"), DEADLINES)
def test_each_passed_deadline_acts_as_the_rules_say(
    rule: str, before: DisputeFacts, after: State, closing: Closing | None
) -> None:
    deadline = next_deadline(before)
    assert deadline is not None
    step = on_deadline(before, deadline)
    assert (step.rule, step.after, step.closing, step.by_clock) == (rule, after, closing, True)
    assert step.escalates is (after is State.ESCALATED) and step.summary


@pytest.mark.parametrize(
    ("status", "effect"),
    [
        (ReturnStatus.AWAITING_SHIPMENT, EffectKind.RETURN_LAPSED),
        (ReturnStatus.SHIPPED, EffectKind.RETURN_ASSUMED_RECEIVED),
    ],
)
def test_f2_a_returns_clock_leaves_the_state_and_tells_settlement(
    status: ReturnStatus, effect: EffectKind
) -> None:
    before = closed(return_status=status, return_due_at=after_opening(20))
    deadline = next_deadline(before)
    assert deadline is not None
    step = on_deadline(before, deadline)
    assert (step.rule, step.after, step.return_effect, step.moves) == ("F2", State.CLOSED, effect, False)


def test_s1_a_new_dispute_waits_for_the_seller() -> None:
    assert opening_state() is State.AWAITING_SELLER
