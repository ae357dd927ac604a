"""Who may do what in which state, and where it leads: the transition table and its guards.

The expected tables below are written out by hand from dispute-rules.md; they are not derived
from the engine's TABLE. A cell lists who may act: B buyer, S seller, M mediator, - nobody.
The system (the clock) never acts through `check`; its deadlines are in test_deadlines.py.
Where the rules are silent the table follows the engine's reading: the buyer may add or change
proposals while the seller has not answered yet, and nobody accepts a proposal once escalated.
"""

from __future__ import annotations

import pytest
from dispute_builders import (
    ALIEXPRESS,
    DHGATE,
    SECOND,
    after_opening,
    cancelled,
    closed,
    days,
    decision,
    escalated,
    evidence_request,
    facts,
    negotiating,
)

from dispute_engine import (
    REJECTED,
    Action,
    Actor,
    DisputeFacts,
    RefundStatus,
    ReshipStatus,
    ReturnStatus,
    RuleViolation,
    State,
    allowed_actions,
    check,
    next_state,
)

STATES = list(State)
ACTORS = list(Actor)
LETTER = {Actor.BUYER: "B", Actor.SELLER: "S", Actor.MEDIATOR: "M", Actor.SYSTEM: "X"}

# Day 8: past the seller's 5 days (dhgate's escalate button), 1 day after the dispute closed.
NOW = after_opening(8)


def parse_table(text: str) -> dict[tuple[State, Action], str]:
    """Read a hand-written table: a header of states, then one action per row."""
    header, *rows = [line.split() for line in text.strip().splitlines()]
    states = [State(word) for word in header]
    cells = {}
    for name, *who in rows:
        assert len(who) == len(states), name
        for state, letters in zip(states, who, strict=True):
            cells[(state, Action(name))] = letters
    return cells


def triples(table: dict[tuple[State, Action], str]) -> list:
    """Every (action, state, actor) of the table's actions, as parameters named after them."""
    actions = sorted({action for _, action in table}, key=list(Action).index)
    return [
        pytest.param(action, state, actor, id=f"{action.value}-{state.value}-{actor.value}")
        for action in actions
        for state in STATES
        for actor in ACTORS
    ]


def ready_for(state: State, action: Action) -> DisputeFacts:
    """A dispute in `state` whose facts satisfy every guard of `action` at NOW."""
    return facts(
        policy=DHGATE,  # the policy with an escalate button
        state=state,
        seller_responded_at=after_opening(2),
        escalated_at=after_opening(7) if state in (State.ESCALATED, State.CLOSED) else None,
        closed_at=after_opening(7) if state is State.CLOSED else None,
        open_until=after_opening(60),
        open_requests=(
            evidence_request(Actor.BUYER, after_opening(10)),
            evidence_request(Actor.SELLER, after_opening(10)),
        ),
        decision=decision(buyer=1, seller=2) if action is Action.FINAL_DECISION else decision(),
        refund_status=RefundStatus.PENDING,
        refund_due_at=after_opening(22),
        return_status={
            Action.SHIP_RETURN: ReturnStatus.AWAITING_SHIPMENT,
            Action.CONFIRM_RETURN: ReturnStatus.SHIPPED,
            Action.SET_RETURN_ADDRESS: ReturnStatus.AWAITING_SHIPMENT,
        }.get(action),
        reship_status={
            Action.SHIP_REPLACEMENT: ReshipStatus.AWAITING_SHIPMENT,
            Action.CONFIRM_REPLACEMENT: ReshipStatus.SHIPPED,
            Action.REOPEN: ReshipStatus.SHIPPED,  # C5: its delivery window passed
        }.get(action),
        reship_due_at=NOW - SECOND if action is Action.REOPEN else NOW + SECOND,
    )


def assert_table(table: dict[tuple[State, Action], str], action: Action, state: State, actor: Actor):
    expected = LETTER[actor] in table[(state, action)]
    dispute = ready_for(state, action)
    offered = action in allowed_actions(dispute, actor, NOW)
    if expected:
        check(dispute, actor, action, NOW)
        assert offered, f"{actor} should be offered {action} when {state}"
    else:
        with pytest.raises(RuleViolation) as refused:
            check(dispute, actor, action, NOW)
        assert refused.value.message
        assert not offered, f"{actor} should not be offered {action} when {state}"


NEGOTIATION = parse_table(
    """
                     awaiting_seller  negotiating  escalated  closed  cancelled
    change_dispute   B                B            -          -       -
    accept_proposal  S                BS           -          -       -
    reject_request   S                -            -          -       -
    reject_proposal  -                BS           -          -       -
    add_proposal     B                BS           -          -       -
    change_proposal  B                BS           -          -       -
    escalate         -                B            -          -       -
    """
)

THREAD_AND_EVIDENCE = parse_table(
    """
                     awaiting_seller  negotiating  escalated  closed  cancelled
    send_message     BS               BS           BS         -       -
    pin_message      BS               BS           BS         -       -
    add_evidence     BS               BS           BS         -       -
    remove_evidence  BS               BS           BS         -       -
    """
)

MEDIATION = parse_table(
    """
                      awaiting_seller  negotiating  escalated  closed  cancelled
    request_evidence  -                -            M          -       -
    respond_evidence  -                -            BS         -       -
    propose_decision  -                -            M          -       -
    answer_decision   -                -            BS         -       -
    final_decision    -                -            M          -       -
    """
)

CLOSING = parse_table(
    """
             awaiting_seller  negotiating  escalated  closed  cancelled
    cancel   B                B            B          -       -
    reopen   -                -            -          B       B
    appeal   -                -            -          B       -
    """
)

SETTLEMENT = parse_table(
    """
                    awaiting_seller  negotiating  escalated  closed  cancelled
    ship_return     -                -            -          B       -
    confirm_return  -                -            -          S       -
    set_return_address -             -            -          S       -
    ship_replacement    -            -            -          S       -
    confirm_replacement -            -            -          B       -
    mark_refunded   -                -            -          SM      -
    """
)


# The rules document is silent on which mediator holds a case; the engine only says when a mediator
# may take or hand one over, and the web app checks who (webapp/disputes/assignment.py).
ASSIGNMENT = parse_table(
    """
                   awaiting_seller  negotiating  escalated  closed  cancelled
    take_case      -                -            M          -       -
    reassign_case  -                -            M          -       -
    """
)


def test_the_expected_tables_cover_every_action_once():
    groups = [NEGOTIATION, THREAD_AND_EVIDENCE, MEDIATION, CLOSING, SETTLEMENT, ASSIGNMENT]
    covered = [action for group in groups for action in {a for _, a in group}]
    assert sorted(covered) == sorted(Action)


@pytest.mark.parametrize(("action", "state", "actor"), triples(NEGOTIATION))
def test_s2_s3_n1_n2_n3_n4_n5_n6_who_may_negotiate_in_which_state(action, state, actor):
    assert_table(NEGOTIATION, action, state, actor)


@pytest.mark.parametrize(("action", "state", "actor"), triples(THREAD_AND_EVIDENCE))
def test_n7_e1_who_may_message_pin_and_add_or_remove_evidence_in_which_state(action, state, actor):
    assert_table(THREAD_AND_EVIDENCE, action, state, actor)


@pytest.mark.parametrize(("action", "state", "actor"), triples(MEDIATION))
def test_m2_m4_m5_m6_who_may_take_part_in_mediation_in_which_state(action, state, actor):
    assert_table(MEDIATION, action, state, actor)


@pytest.mark.parametrize(("action", "state", "actor"), triples(CLOSING))
def test_c1_c2_c3_c5_who_may_cancel_reopen_and_appeal_in_which_state(action, state, actor):
    assert_table(CLOSING, action, state, actor)


@pytest.mark.parametrize(("action", "state", "actor"), triples(SETTLEMENT))
def test_f1_f2_f5_f6_f7_who_may_settle_the_refund_the_return_and_the_reshipment(action, state, actor):
    assert_table(SETTLEMENT, action, state, actor)


@pytest.mark.parametrize(("action", "state", "actor"), triples(ASSIGNMENT))
def test_only_a_mediator_takes_or_hands_over_a_case_and_only_while_it_is_escalated(action, state, actor):
    assert_table(ASSIGNMENT, action, state, actor)


# Where each allowed action leads; an action not listed leaves the state as it is.
LEADS_TO = {
    (State.AWAITING_SELLER, Action.ACCEPT_PROPOSAL): State.CLOSED,  # S2
    (State.AWAITING_SELLER, Action.REJECT_REQUEST): State.NEGOTIATING,  # S3
    (State.NEGOTIATING, Action.ACCEPT_PROPOSAL): State.CLOSED,  # N4
    (State.NEGOTIATING, Action.ESCALATE): State.ESCALATED,  # N1
    (State.ESCALATED, Action.FINAL_DECISION): State.CLOSED,  # M5
    (State.AWAITING_SELLER, Action.CANCEL): State.CANCELLED,  # C1
    (State.NEGOTIATING, Action.CANCEL): State.CANCELLED,  # C1
    (State.ESCALATED, Action.CANCEL): State.CLOSED,  # C1 "Cancel arbitration"
    (State.CANCELLED, Action.REOPEN): State.AWAITING_SELLER,  # C2
    (State.CLOSED, Action.REOPEN): State.AWAITING_SELLER,  # C5: a re-shipped parcel never arrived
    (State.CLOSED, Action.APPEAL): State.ESCALATED,  # C3
}
ALL_TABLES = NEGOTIATION | THREAD_AND_EVIDENCE | MEDIATION | CLOSING | SETTLEMENT | ASSIGNMENT
ALLOWED_PAIRS = sorted(
    ((state, action) for (state, action), who in ALL_TABLES.items() if who != "-"),
    key=lambda pair: (STATES.index(pair[0]), list(Action).index(pair[1])),
)


@pytest.mark.parametrize(("state", "action"), ALLOWED_PAIRS, ids=str)
def test_s2_s3_n1_n4_n5_m5_c1_c2_c3_c5_where_each_action_leads(state, action):
    assert next_state(facts(state=state), action) is LEADS_TO.get((state, action), state)


def test_n5_rejecting_a_proposal_keeps_the_dispute_negotiating():
    assert next_state(negotiating(), Action.REJECT_PROPOSAL) is State.NEGOTIATING


def test_s3_the_seller_rejects_and_goes_on_to_negotiate_with_proposals_of_its_own():
    assert next_state(facts(), Action.REJECT_REQUEST) is State.NEGOTIATING
    check(negotiating(), Actor.SELLER, Action.ADD_PROPOSAL, after_opening(3))


def test_n4_accepting_a_proposal_closes_the_dispute_for_good():
    assert next_state(negotiating(), Action.ACCEPT_PROPOSAL) is State.CLOSED
    after = closed(escalated_at=None, closed_at=after_opening(3))
    negotiation = {
        Action.ACCEPT_PROPOSAL,
        Action.REJECT_PROPOSAL,
        Action.ADD_PROPOSAL,
        Action.CHANGE_PROPOSAL,
        Action.CHANGE_DISPUTE,
        Action.CANCEL,
        Action.REOPEN,
    }
    for party in (Actor.BUYER, Actor.SELLER):
        assert not negotiation & allowed_actions(after, party, after_opening(4))


# What the page offers each person, and only that -------------------------------------------------


def test_s2_s3_the_seller_waiting_to_respond_is_offered_accept_reject_and_the_locker():
    assert allowed_actions(facts(), Actor.SELLER, after_opening(1)) == {
        Action.ACCEPT_PROPOSAL,
        Action.REJECT_REQUEST,
        Action.SEND_MESSAGE,
        Action.PIN_MESSAGE,
        Action.ADD_EVIDENCE,
        Action.REMOVE_EVIDENCE,
    }


def test_n1_n2_n3_n4_n5_n6_c1_the_buyer_negotiating_under_aliexpress_is_offered_no_escalate_button():
    assert allowed_actions(negotiating(), Actor.BUYER, after_opening(6)) == {
        Action.CHANGE_DISPUTE,
        Action.ACCEPT_PROPOSAL,
        Action.REJECT_PROPOSAL,
        Action.ADD_PROPOSAL,
        Action.CHANGE_PROPOSAL,
        Action.SEND_MESSAGE,
        Action.PIN_MESSAGE,
        Action.ADD_EVIDENCE,
        Action.REMOVE_EVIDENCE,
        Action.CANCEL,
    }


def test_m2_m4_the_mediator_of_a_fresh_escalation_may_ask_for_evidence_or_propose():
    assert allowed_actions(escalated(), Actor.MEDIATOR, after_opening(8)) == {
        Action.REQUEST_EVIDENCE,
        Action.PROPOSE_DECISION,
        Action.TAKE_CASE,
        Action.REASSIGN_CASE,
    }


@pytest.mark.parametrize(
    "dispute", [facts(), negotiating(), escalated(), closed(), cancelled()], ids=lambda f: f.state.value
)
def test_the_clock_itself_may_take_no_person_s_action(dispute):
    assert allowed_actions(dispute, Actor.SYSTEM, NOW) == frozenset()


def test_a_refusal_says_why_in_words():
    with pytest.raises(RuleViolation) as refused:
        check(facts(), Actor.MEDIATOR, Action.CANCEL, NOW)
    assert refused.value.rule == "C1"
    assert refused.value.message == "The mediator cannot do that while the seller has not answered yet."
    with pytest.raises(RuleViolation) as refused:
        check(closed(), Actor.BUYER, Action.CANCEL, NOW)
    assert refused.value.message == "That cannot be done on a closed dispute."


# N1: escalation ---------------------------------------------------------------------------------


def test_n1_aliexpress_has_no_escalate_button_and_says_when_the_platform_steps_in():
    with pytest.raises(RuleViolation) as refused:
        check(negotiating(policy=ALIEXPRESS), Actor.BUYER, Action.ESCALATE, after_opening(6))
    assert refused.value.rule == "N1"
    assert refused.value.message == (
        "AliExpress has no escalate button: the dispute goes to the platform by itself "
        "7 days after it was opened."
    )
    assert Action.ESCALATE not in allowed_actions(negotiating(), Actor.BUYER, after_opening(6, seconds=-1))


def test_n1_dhgate_refuses_escalate_before_the_sellers_five_days_with_the_date():
    with pytest.raises(RuleViolation) as refused:
        check(negotiating(policy=DHGATE), Actor.BUYER, Action.ESCALATE, after_opening(5) - SECOND)
    assert refused.value.rule == "N1"
    assert "08 March 2025, 09:00" in refused.value.message


def test_n1_dhgate_lets_the_buyer_escalate_once_the_sellers_five_days_have_passed():
    dispute = negotiating(policy=DHGATE)
    check(dispute, Actor.BUYER, Action.ESCALATE, after_opening(5))
    assert Action.ESCALATE in allowed_actions(dispute, Actor.BUYER, after_opening(6))
    assert next_state(dispute, Action.ESCALATE) is State.ESCALATED


def test_n1_even_under_dhgate_only_the_buyer_escalates():
    with pytest.raises(RuleViolation):
        check(negotiating(policy=DHGATE), Actor.SELLER, Action.ESCALATE, after_opening(6))


# N6 ---------------------------------------------------------------------------------------------


def test_n6_the_buyer_may_change_the_dispute_until_it_is_escalated():
    check(facts(), Actor.BUYER, Action.CHANGE_DISPUTE, after_opening(1))
    check(negotiating(), Actor.BUYER, Action.CHANGE_DISPUTE, after_opening(6))
    with pytest.raises(RuleViolation) as refused:
        check(escalated(), Actor.BUYER, Action.CHANGE_DISPUTE, after_opening(8))
    assert refused.value.rule == "N6"
    assert refused.value.message == "That cannot be done once the dispute is with the platform."


def test_n6_the_seller_cannot_change_the_buyers_dispute():
    with pytest.raises(RuleViolation) as refused:
        check(negotiating(), Actor.SELLER, Action.CHANGE_DISPUTE, after_opening(6))
    assert refused.value.rule == "N6"


# N7 and E1 --------------------------------------------------------------------------------------


def test_n7_the_mediator_cannot_pin_a_message_for_itself():
    with pytest.raises(RuleViolation) as refused:
        check(escalated(), Actor.MEDIATOR, Action.PIN_MESSAGE, after_opening(8))
    assert refused.value.rule == "N7"
    check(escalated(), Actor.BUYER, Action.PIN_MESSAGE, after_opening(8))
    check(escalated(), Actor.SELLER, Action.PIN_MESSAGE, after_opening(8))


@pytest.mark.parametrize("action", [Action.ADD_EVIDENCE, Action.REMOVE_EVIDENCE])
@pytest.mark.parametrize("party", [Actor.BUYER, Actor.SELLER])
def test_e1_either_party_handles_evidence_at_every_stage_until_closed(party, action):
    for dispute in (facts(), negotiating(), escalated()):
        check(dispute, party, action, NOW)
    for dispute in (closed(), cancelled()):
        with pytest.raises(RuleViolation) as refused:
            check(dispute, party, action, NOW)
        assert refused.value.rule == "E1"


# M2, M4, M5, M6: mediation guards --------------------------------------------------------------


def test_m2_only_a_party_the_mediator_asked_may_respond_now():
    dispute = escalated(open_requests=(evidence_request(Actor.BUYER, after_opening(10)),))
    check(dispute, Actor.BUYER, Action.RESPOND_EVIDENCE, after_opening(8))
    with pytest.raises(RuleViolation) as refused:
        check(dispute, Actor.SELLER, Action.RESPOND_EVIDENCE, after_opening(8))
    assert refused.value.rule == "M2"
    assert refused.value.message == "The mediator has not asked you for evidence."


def test_m4_nobody_answers_a_decision_that_was_not_proposed():
    with pytest.raises(RuleViolation) as refused:
        check(escalated(), Actor.BUYER, Action.ANSWER_DECISION, after_opening(8))
    assert refused.value.rule == "M4"


def test_m4_each_party_answers_the_mediators_proposal_once():
    dispute = escalated(decision=decision(buyer=1))
    with pytest.raises(RuleViolation) as refused:
        check(dispute, Actor.BUYER, Action.ANSWER_DECISION, after_opening(9))
    assert refused.value.message == "You have already answered the mediator's proposal."
    check(dispute, Actor.SELLER, Action.ANSWER_DECISION, after_opening(9))


def test_m5_no_final_decision_without_a_proposed_one():
    with pytest.raises(RuleViolation) as refused:
        check(escalated(), Actor.MEDIATOR, Action.FINAL_DECISION, after_opening(8))
    assert refused.value.rule == "M5"


@pytest.mark.parametrize(("buyer", "seller"), [(None, None), (1, None), (None, 2)])
def test_m5_no_final_decision_while_the_parties_may_still_agree(buyer, seller):
    with pytest.raises(RuleViolation) as refused:
        check(
            escalated(decision=decision(buyer=buyer, seller=seller)),
            Actor.MEDIATOR,
            Action.FINAL_DECISION,
            NOW,
        )
    assert refused.value.rule == "M5"


@pytest.mark.parametrize(
    ("buyer", "seller"),
    [(1, 2), (2, 1), (REJECTED, None), (None, REJECTED), (1, REJECTED), (REJECTED, REJECTED)],
)
def test_m5_the_mediator_decides_once_the_parties_disagreed_or_one_rejected(buyer, seller):
    check(
        escalated(decision=decision(buyer=buyer, seller=seller)), Actor.MEDIATOR, Action.FINAL_DECISION, NOW
    )


def test_m5_agreement_on_the_same_solution_is_known_to_the_engine():
    assert decision(buyer=2, seller=2).agreed_solution == 2
    assert decision(buyer=1, seller=2).agreed_solution is None
    assert decision(buyer=REJECTED, seller=REJECTED).agreed_solution is None
    assert decision(buyer=1).agreed_solution is None


def test_m6_after_a_rejection_the_party_adds_evidence_and_the_mediator_may_replace_the_proposal():
    dispute = escalated(decision=decision(buyer=REJECTED))
    assert dispute.decision is not None and dispute.decision.someone_rejected
    check(dispute, Actor.BUYER, Action.ADD_EVIDENCE, NOW)
    check(dispute, Actor.MEDIATOR, Action.PROPOSE_DECISION, NOW)
    check(dispute, Actor.MEDIATOR, Action.REQUEST_EVIDENCE, NOW)


def test_m4_a_decisions_solutions_are_numbered_from_one():
    proposal = decision()
    assert proposal.terms(1).amount == 25
    assert proposal.terms(2).amount == 50
    with pytest.raises(ValueError):
        proposal.terms(3)
    with pytest.raises(ValueError):
        proposal.terms(REJECTED)


# C1, C2, C3 ------------------------------------------------------------------------------------


def test_c1_the_buyer_cancels_in_negotiation_into_cancelled_and_after_escalation_into_closed():
    assert next_state(negotiating(), Action.CANCEL) is State.CANCELLED
    assert next_state(escalated(), Action.CANCEL) is State.CLOSED


def test_c1_the_seller_cannot_cancel_the_buyers_dispute():
    with pytest.raises(RuleViolation) as refused:
        check(negotiating(), Actor.SELLER, Action.CANCEL, after_opening(4))
    assert refused.value.rule == "C1"


def test_c2_a_cancelled_dispute_reopens_while_the_o3_window_is_open():
    dispute = cancelled(open_until=after_opening(30))
    check(dispute, Actor.BUYER, Action.REOPEN, after_opening(30))
    with pytest.raises(RuleViolation) as refused:
        check(dispute, Actor.BUYER, Action.REOPEN, after_opening(30) + SECOND)
    assert refused.value.rule == "C2"
    assert "02 April 2025, 09:00" in refused.value.message


def test_c2_an_arbitration_cancelled_dispute_is_closed_and_cannot_be_reopened():
    with pytest.raises(RuleViolation) as refused:
        check(closed(), Actor.BUYER, Action.REOPEN, after_opening(11))
    # A closed dispute reopens only for a re-shipped parcel that never arrived (C5).
    assert refused.value.rule == "C5" and "re-shipped parcel" in refused.value.message


def test_c3_the_buyer_may_appeal_within_seven_days_of_closing():
    dispute = closed(closed_at=after_opening(10))
    check(dispute, Actor.BUYER, Action.APPEAL, after_opening(17))
    with pytest.raises(RuleViolation) as refused:
        check(dispute, Actor.BUYER, Action.APPEAL, after_opening(17) + SECOND)
    assert refused.value.rule == "C3"
    assert "20 March 2025, 09:00" in refused.value.message


def test_c3_an_order_gets_one_appeal():
    with pytest.raises(RuleViolation) as refused:
        check(closed(appealed=True), Actor.BUYER, Action.APPEAL, after_opening(11))
    assert refused.value.rule == "C3"
    assert "once per order" in refused.value.message


def test_c3_only_the_buyer_appeals():
    for actor in (Actor.SELLER, Actor.MEDIATOR):
        with pytest.raises(RuleViolation):
            check(closed(), actor, Action.APPEAL, after_opening(11))


def test_c3_the_appeal_sends_the_dispute_back_to_a_mediator():
    assert next_state(closed(), Action.APPEAL) is State.ESCALATED


# F1, F2 -----------------------------------------------------------------------------------------


def overdue_refund(**overrides) -> DisputeFacts:
    """Closed on day 10; a 45.00 refund was due on day 25 and is still pending."""
    return closed(
        **(
            {
                "closed_at": after_opening(10),
                "refund_status": RefundStatus.PENDING,
                "refund_due_at": after_opening(10) + days(ALIEXPRESS.refund_due_days),
            }
            | overrides
        )
    )


def test_f1_c3_an_unpaid_refund_may_be_complained_about_even_after_the_seven_days():
    check(overdue_refund(), Actor.BUYER, Action.APPEAL, after_opening(25) + SECOND)


def test_f1_c3_a_refund_not_yet_due_does_not_stretch_the_seven_days():
    with pytest.raises(RuleViolation) as refused:
        check(overdue_refund(), Actor.BUYER, Action.APPEAL, after_opening(20))
    assert refused.value.rule == "C3"


def test_f1_c3_a_paid_refund_does_not_stretch_the_seven_days():
    with pytest.raises(RuleViolation):
        check(
            overdue_refund(refund_status=RefundStatus.REFUNDED), Actor.BUYER, Action.APPEAL, after_opening(30)
        )


def test_f1_c3_an_overdue_refund_does_not_give_a_second_appeal():
    with pytest.raises(RuleViolation) as refused:
        check(overdue_refund(appealed=True), Actor.BUYER, Action.APPEAL, after_opening(30))
    assert "once per order" in refused.value.message


@pytest.mark.parametrize("status", [None, RefundStatus.REFUNDED, RefundStatus.SUPERSEDED])
def test_f1_only_a_pending_refund_can_be_marked_refunded(status):
    with pytest.raises(RuleViolation) as refused:
        check(closed(refund_status=status), Actor.SELLER, Action.MARK_REFUNDED, after_opening(11))
    assert refused.value.rule == "F1"


def test_f1_the_seller_or_the_mediator_marks_a_pending_refund_refunded():
    dispute = closed(refund_status=RefundStatus.PENDING, refund_due_at=after_opening(25))
    check(dispute, Actor.SELLER, Action.MARK_REFUNDED, after_opening(11))
    check(dispute, Actor.MEDIATOR, Action.MARK_REFUNDED, after_opening(11))
    with pytest.raises(RuleViolation):
        check(dispute, Actor.BUYER, Action.MARK_REFUNDED, after_opening(11))


@pytest.mark.parametrize("status", [None, ReturnStatus.SHIPPED, ReturnStatus.RECEIVED, ReturnStatus.LAPSED])
def test_f2_the_buyer_ships_back_only_a_return_waiting_for_shipment(status):
    with pytest.raises(RuleViolation) as refused:
        check(closed(return_status=status), Actor.BUYER, Action.SHIP_RETURN, after_opening(11))
    assert refused.value.rule == "F2"


@pytest.mark.parametrize(
    "status", [None, ReturnStatus.AWAITING_SHIPMENT, ReturnStatus.RECEIVED, ReturnStatus.LAPSED]
)
def test_f2_the_seller_confirms_only_a_shipped_return(status):
    with pytest.raises(RuleViolation) as refused:
        check(closed(return_status=status), Actor.SELLER, Action.CONFIRM_RETURN, after_opening(11))
    assert refused.value.rule == "F2"


@pytest.mark.parametrize("status", [None, ReturnStatus.SHIPPED, ReturnStatus.RECEIVED, ReturnStatus.LAPSED])
def test_f5_the_seller_gives_a_return_address_only_before_the_item_is_shipped(status):
    check(closed(return_status=ReturnStatus.AWAITING_SHIPMENT), Actor.SELLER, Action.SET_RETURN_ADDRESS, NOW)
    with pytest.raises(RuleViolation) as refused:
        check(closed(return_status=status), Actor.SELLER, Action.SET_RETURN_ADDRESS, NOW)
    assert refused.value.rule == "F5"


def test_f2_a_return_runs_ship_then_confirm():
    check(closed(return_status=ReturnStatus.AWAITING_SHIPMENT), Actor.BUYER, Action.SHIP_RETURN, NOW)
    check(closed(return_status=ReturnStatus.SHIPPED), Actor.SELLER, Action.CONFIRM_RETURN, NOW)
    assert next_state(closed(), Action.SHIP_RETURN) is State.CLOSED
