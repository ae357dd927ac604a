"""Clocks that act on their own: which deadline comes next and what it does (S1, N1, M3, M4, F2)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from dispute_builders import (
    ALIEXPRESS,
    ALL_BACK_AFTER_RETURN,
    DHGATE,
    HALF_BACK_KEEP_ITEM,
    SECOND,
    after_opening,
    cancelled,
    closed,
    decision,
    escalated,
    evidence_request,
    facts,
    negotiating,
    policy,
)

from dispute_engine import (
    NOTHING,
    REJECTED,
    Actor,
    DeadlineKind,
    EffectKind,
    Outcome,
    Resolution,
    ReturnStatus,
    Terms,
    due_deadline,
    effect_of,
    next_deadline,
)

RETURN_FULL = Terms(Resolution.RETURN_AND_REFUND, Decimal("30.00"))


def effect_now(dispute, now):
    deadline = due_deadline(dispute, now)
    assert deadline is not None, f"no deadline has passed at {now}"
    return effect_of(dispute, deadline)


# S1 ---------------------------------------------------------------------------------------------


def test_s1_the_seller_has_five_days_from_opening_to_respond():
    deadline = next_deadline(facts())
    assert deadline is not None
    assert deadline.kind is DeadlineKind.SELLER_RESPONSE
    assert deadline.at == after_opening(5)
    assert deadline.must_act == (Actor.SELLER,)
    assert deadline.rule == "S1"


def test_s1_seller_silence_closes_in_buyers_favour_with_requested_refund():
    dispute = facts(request=RETURN_FULL)
    effect = effect_now(dispute, after_opening(5))
    assert effect.kind is EffectKind.CLOSE
    assert effect.rule == "S1"
    assert effect.outcome is Outcome.SELLER_DID_NOT_RESPOND
    assert effect.terms == RETURN_FULL
    assert "buyer's favour" in effect.summary


def test_s1_not_one_second_before_the_five_days():
    assert due_deadline(facts(), after_opening(5) - SECOND) is None
    assert due_deadline(facts(), after_opening(5)) is not None


def test_s1_a_deadline_long_past_is_still_due():
    assert due_deadline(facts(), after_opening(40)) == next_deadline(facts())


def test_s1_dhgate_also_waits_five_days():
    deadline = next_deadline(facts(policy=DHGATE))
    assert deadline is not None and deadline.at == after_opening(5)


def test_s1_the_five_days_are_the_policys():
    deadline = next_deadline(facts(policy=policy(seller_response_days=2)))
    assert deadline is not None and deadline.at == after_opening(2)


# N1 ---------------------------------------------------------------------------------------------


def test_n1_without_agreement_seven_days_after_opening_the_dispute_escalates_on_its_own():
    dispute = negotiating()
    deadline = next_deadline(dispute)
    assert deadline is not None
    assert deadline.kind is DeadlineKind.NEGOTIATION_END
    assert deadline.at == after_opening(7)
    assert set(deadline.must_act) == {Actor.BUYER, Actor.SELLER}
    assert deadline.rule == "N1"
    assert due_deadline(dispute, after_opening(7) - SECOND) is None
    effect = effect_now(dispute, after_opening(7))
    assert effect.kind is EffectKind.ESCALATE
    assert effect.rule == "N1"
    assert effect.outcome is None and effect.terms is None


@pytest.mark.parametrize("responded_on_day", [0.5, 2, 4.9])
def test_n1_n5_the_seven_days_count_from_opening_whenever_the_seller_answered_or_anyone_rejected(
    responded_on_day,
):
    deadline = next_deadline(negotiating(seller_responded_at=after_opening(responded_on_day)))
    assert deadline is not None and deadline.at == after_opening(7)


def test_n1_dhgate_escalates_on_its_own_after_seven_days_too():
    deadline = next_deadline(negotiating(policy=DHGATE))
    assert deadline is not None and deadline.at == after_opening(7)
    assert effect_of(negotiating(policy=DHGATE), deadline).kind is EffectKind.ESCALATE


# M3: evidence deadlines -------------------------------------------------------------------------


def test_m3_a_buyer_who_misses_the_mediators_evidence_deadline_loses_with_nothing():
    dispute = escalated(open_requests=(evidence_request(Actor.BUYER, after_opening(10)),))
    deadline = next_deadline(dispute)
    assert deadline is not None
    assert (deadline.kind, deadline.at, deadline.must_act) == (
        DeadlineKind.BUYER_EVIDENCE,
        after_opening(10),
        (Actor.BUYER,),
    )
    assert due_deadline(dispute, after_opening(10) - SECOND) is None
    effect = effect_now(dispute, after_opening(10))
    assert effect.kind is EffectKind.CLOSE
    assert effect.rule == "M3"
    assert effect.outcome is Outcome.BUYER_MISSED_DEADLINE
    assert effect.terms == NOTHING
    assert effect.terms.amount == 0


def test_m3_a_seller_who_misses_the_mediators_evidence_deadline_loses_and_the_buyer_gets_the_request():
    dispute = escalated(
        request=RETURN_FULL, open_requests=(evidence_request(Actor.SELLER, after_opening(10)),)
    )
    deadline = next_deadline(dispute)
    assert deadline is not None
    assert (deadline.kind, deadline.must_act) == (DeadlineKind.SELLER_EVIDENCE, (Actor.SELLER,))
    effect = effect_now(dispute, after_opening(10))
    assert effect.kind is EffectKind.CLOSE
    assert effect.rule == "M3"
    assert effect.outcome is Outcome.SELLER_MISSED_DEADLINE
    assert effect.terms == RETURN_FULL


def test_m2_an_escalated_dispute_with_nothing_asked_has_no_clock():
    assert next_deadline(escalated()) is None
    assert due_deadline(escalated(), after_opening(100)) is None


# M4: answers to the mediator's proposal ---------------------------------------------------------


def test_m4_the_parties_answer_by_the_decisions_due_time():
    deadline = next_deadline(escalated(decision=decision(due_at=after_opening(12))))
    assert deadline is not None
    assert deadline.kind is DeadlineKind.DECISION_ANSWERS
    assert deadline.at == after_opening(12)
    assert deadline.must_act == (Actor.BUYER, Actor.SELLER)
    assert deadline.rule == "M4"


def test_m4_the_clock_waits_only_for_the_party_that_has_not_answered():
    deadline = next_deadline(escalated(decision=decision(buyer=1)))
    assert deadline is not None and deadline.must_act == (Actor.SELLER,)


def test_m4_m3_buyer_silent_on_the_decision_closes_in_the_sellers_favour():
    dispute = escalated(decision=decision(seller=2))
    effect = effect_now(dispute, after_opening(12))
    assert effect.kind is EffectKind.CLOSE
    assert effect.outcome is Outcome.BUYER_MISSED_DEADLINE
    assert effect.terms == NOTHING


def test_m4_m3_both_silent_on_the_decision_the_buyers_silence_decides_for_the_seller():
    effect = effect_now(escalated(decision=decision()), after_opening(12))
    assert effect.outcome is Outcome.BUYER_MISSED_DEADLINE
    assert effect.terms == NOTHING


@pytest.mark.parametrize(("solution", "terms"), [(1, HALF_BACK_KEEP_ITEM), (2, ALL_BACK_AFTER_RETURN)])
def test_m4_m3_buyer_accepted_solution_k_and_seller_silent_closes_on_solution_k(solution, terms):
    dispute = escalated(decision=decision(buyer=solution))
    assert due_deadline(dispute, after_opening(12) - SECOND) is None
    effect = effect_now(dispute, after_opening(12))
    assert effect.kind is EffectKind.CLOSE
    assert effect.rule == "M3"
    assert effect.outcome is Outcome.SELLER_MISSED_DEADLINE
    assert effect.terms == terms


def test_m4_m3_buyer_rejected_and_seller_silent_closes_on_the_buyers_request():
    dispute = escalated(request=RETURN_FULL, decision=decision(buyer=REJECTED))
    effect = effect_now(dispute, after_opening(12))
    assert effect.outcome is Outcome.SELLER_MISSED_DEADLINE
    assert effect.terms == RETURN_FULL


@pytest.mark.parametrize(("buyer", "seller"), [(1, 1), (1, 2), (REJECTED, 1), (REJECTED, REJECTED)])
def test_m4_m5_once_both_answered_no_clock_runs_and_the_mediator_acts(buyer, seller):
    assert next_deadline(escalated(decision=decision(buyer=buyer, seller=seller))) is None


# F2 ---------------------------------------------------------------------------------------------


def test_f2_a_return_not_shipped_in_time_lapses():
    dispute = closed(return_status=ReturnStatus.AWAITING_SHIPMENT, return_due_at=after_opening(20))
    deadline = next_deadline(dispute)
    assert deadline is not None
    assert (deadline.kind, deadline.at, deadline.must_act, deadline.rule) == (
        DeadlineKind.RETURN_SHIPMENT,
        after_opening(20),
        (Actor.BUYER,),
        "F2",
    )
    assert due_deadline(dispute, after_opening(20) - SECOND) is None
    effect = effect_now(dispute, after_opening(20))
    assert effect.kind is EffectKind.RETURN_LAPSED
    assert effect.rule == "F2"
    assert "no refund" in effect.summary


def test_f2_a_shipped_return_the_seller_does_not_confirm_in_time_counts_as_received():
    dispute = closed(return_status=ReturnStatus.SHIPPED, return_due_at=after_opening(35))
    deadline = next_deadline(dispute)
    assert deadline is not None
    assert (deadline.kind, deadline.must_act) == (DeadlineKind.RETURN_CONFIRMATION, (Actor.SELLER,))
    effect = effect_now(dispute, after_opening(35))
    assert effect.kind is EffectKind.RETURN_ASSUMED_RECEIVED
    assert effect.rule == "F2"
    assert "refund is due" in effect.summary


@pytest.mark.parametrize("status", [ReturnStatus.RECEIVED, ReturnStatus.LAPSED])
def test_f2_a_settled_return_has_no_clock(status):
    assert next_deadline(closed(return_status=status, return_due_at=after_opening(20))) is None


def test_f2_the_return_numbers_are_policy_parameters():
    assert (ALIEXPRESS.return_ship_days, ALIEXPRESS.return_confirm_days) == (10, 15)


def test_a_closed_or_cancelled_dispute_without_a_return_has_no_clock():
    assert next_deadline(closed()) is None
    assert next_deadline(cancelled()) is None


# Which clock comes first -------------------------------------------------------------------------


def test_m2_m3_m4_the_earliest_deadline_comes_first():
    dispute = escalated(
        open_requests=(
            evidence_request(Actor.SELLER, after_opening(11)),
            evidence_request(Actor.BUYER, after_opening(10, seconds=1)),
        ),
        decision=decision(due_at=after_opening(10)),
    )
    deadline = next_deadline(dispute)
    assert deadline is not None
    assert (deadline.kind, deadline.at) == (DeadlineKind.DECISION_ANSWERS, after_opening(10))


def test_m2_m3_the_evidence_deadline_before_the_answers_comes_first():
    dispute = escalated(
        open_requests=(evidence_request(Actor.SELLER, after_opening(9)),),
        decision=decision(due_at=after_opening(10)),
    )
    deadline = next_deadline(dispute)
    assert deadline is not None and deadline.kind is DeadlineKind.SELLER_EVIDENCE


def test_m3_at_the_same_moment_the_buyers_clock_is_settled_first():
    dispute = escalated(
        open_requests=(
            evidence_request(Actor.SELLER, after_opening(10)),
            evidence_request(Actor.BUYER, after_opening(10)),
        ),
        decision=decision(due_at=after_opening(10)),
    )
    deadline = next_deadline(dispute)
    assert deadline is not None and deadline.kind is DeadlineKind.BUYER_EVIDENCE
