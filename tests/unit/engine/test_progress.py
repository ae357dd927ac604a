"""What a person sees: the progress bar (H3), the mediation status (M1), the mediator's queue (M7, M8)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from dispute_builders import (
    ALIEXPRESS,
    DHGATE,
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
    Actor,
    MediationStatus,
    Outcome,
    RefundStatus,
    ReturnStatus,
    Stage,
    State,
    buyer_is_suspicious,
    current_stage,
    mediation_status,
    mediator_due_at,
    progress,
)


def bar(dispute, now=None) -> dict[str, str]:
    """The bar as stage name -> status, in order."""
    view = progress(dispute, now or after_opening(1))
    return {step.stage.value: step.status for step in view.stages}


def statuses(*words: str) -> dict[str, str]:
    return dict(zip([stage.value for stage in Stage], words, strict=True))


# H3: the bar, stage by stage ---------------------------------------------------------------------


def test_h3_the_bar_has_the_six_stages_in_order():
    assert [stage.label for stage in Stage] == [
        "Opened",
        "Seller response",
        "Negotiation",
        "Platform review",
        "Decision",
        "Refund",
    ]


def test_h3_waiting_for_the_seller():
    view = progress(facts(), after_opening(1))
    assert view.current is Stage.SELLER_RESPONSE
    assert bar(facts()) == statuses("done", "current", "upcoming", "upcoming", "upcoming", "upcoming")
    assert view.must_act == (Actor.SELLER,)
    assert view.deadline_at == after_opening(5)
    assert view.time_left == days(4)


def test_h3_s1_says_what_happens_if_the_seller_stays_silent():
    step = progress(facts(), after_opening(1)).next_step
    assert "08 March 2025, 09:00 UTC" in step
    assert "45.00 USD" in step
    assert "buyer's favour" in step


def test_h3_negotiating():
    view = progress(negotiating(), after_opening(3))
    assert view.current is Stage.NEGOTIATION
    assert bar(negotiating()) == statuses("done", "done", "current", "upcoming", "upcoming", "upcoming")
    assert set(view.must_act) == {Actor.BUYER, Actor.SELLER}
    assert view.deadline_at == after_opening(7)
    assert view.time_left == days(4)
    assert "10 March 2025, 09:00 UTC" in view.next_step


def test_h3_with_the_platform_before_a_proposal_the_mediator_acts_without_a_clock():
    view = progress(escalated(), after_opening(8))
    assert view.current is Stage.PLATFORM_REVIEW
    assert bar(escalated()) == statuses("done", "done", "done", "current", "upcoming", "upcoming")
    assert view.must_act == (Actor.MEDIATOR,)
    assert view.deadline_at is None
    assert view.time_left is None
    assert "mediator is reviewing" in view.next_step


def test_h3_m2_with_an_evidence_request_the_asked_party_must_act_by_its_deadline():
    dispute = escalated(open_requests=(evidence_request(Actor.BUYER, after_opening(10)),))
    view = progress(dispute, after_opening(8))
    assert view.current is Stage.PLATFORM_REVIEW
    assert view.must_act == (Actor.BUYER,)
    assert view.deadline_at == after_opening(10)
    assert view.time_left == days(2)
    assert view.next_step.startswith("Waiting for the buyer's response")


def test_h3_m4_with_a_proposed_decision_the_parties_answer_it():
    dispute = escalated(decision=decision(due_at=after_opening(12)))
    view = progress(dispute, after_opening(9))
    assert view.current is Stage.DECISION
    assert bar(dispute) == statuses("done", "done", "done", "done", "current", "upcoming")
    assert view.must_act == (Actor.BUYER, Actor.SELLER)
    assert view.time_left == days(3)
    assert "accepts a solution or rejects them" in view.next_step


def test_h3_s1_closed_by_seller_silence_with_the_refund_pending():
    dispute = closed(
        seller_responded_at=None,
        escalated_at=None,
        closed_at=after_opening(5),
        outcome=Outcome.SELLER_DID_NOT_RESPOND,
        refund_status=RefundStatus.PENDING,
        refund_due_at=after_opening(20),
    )
    view = progress(dispute, after_opening(6))
    assert view.current is Stage.REFUND
    assert bar(dispute) == statuses("done", "missed", "skipped", "skipped", "skipped", "current")
    assert view.must_act == (Actor.SELLER,)
    assert "23 March 2025" in view.next_step


def test_h3_f2_a_return_waits_for_the_buyer_to_ship():
    dispute = closed(return_status=ReturnStatus.AWAITING_SHIPMENT, return_due_at=after_opening(20))
    view = progress(dispute, after_opening(11))
    assert view.current is Stage.REFUND
    assert view.must_act == (Actor.BUYER,)
    assert view.deadline_at == after_opening(20)
    assert "ships the item back" in view.next_step


def test_h3_f2_a_shipped_return_waits_for_the_seller_to_confirm():
    dispute = closed(return_status=ReturnStatus.SHIPPED, return_due_at=after_opening(30))
    view = progress(dispute, after_opening(21))
    assert view.current is Stage.REFUND
    assert view.must_act == (Actor.SELLER,)
    assert "confirms the item arrived" in view.next_step


def test_h3_a_refunded_dispute_is_finished_with_every_stage_done_or_skipped():
    dispute = closed(decision=decision(buyer=1, seller=1), refund_status=RefundStatus.REFUNDED)
    view = progress(dispute, after_opening(20))
    assert view.current is None
    assert bar(dispute) == statuses("done", "done", "done", "done", "done", "done")
    assert view.must_act == ()
    assert view.deadline_at is None and view.time_left is None
    assert "complaint can follow within 7 days" in view.next_step


def test_h3_c1_a_dispute_cancelled_in_negotiation_skips_the_rest():
    view = progress(cancelled(), after_opening(4))
    assert view.current is None
    assert bar(cancelled()) == statuses("done", "done", "done", "skipped", "skipped", "skipped")
    assert view.must_act == ()
    assert "can reopen it until 02 May 2025" in view.next_step


def test_h3_c1_a_cancelled_arbitration_with_no_money_moving_is_finished():
    dispute = closed(closed_at=after_opening(9))
    assert current_stage(dispute) is None
    assert bar(dispute) == statuses("done", "done", "done", "done", "skipped", "skipped")


@pytest.mark.parametrize(
    ("state", "stage"),
    [
        (State.AWAITING_SELLER, Stage.SELLER_RESPONSE),
        (State.NEGOTIATING, Stage.NEGOTIATION),
        (State.ESCALATED, Stage.PLATFORM_REVIEW),
        (State.CLOSED, None),
        (State.CANCELLED, None),
    ],
)
def test_h3_the_current_stage_of_each_state(state, stage):
    assert current_stage(facts(state=state)) is stage


def test_h3_exactly_one_stage_is_current_while_something_is_left_to_happen():
    for dispute in (facts(), negotiating(), escalated(), escalated(decision=decision())):
        assert list(bar(dispute).values()).count("current") == 1


def test_h3_a_passed_deadline_says_how_late_it_is():
    view = progress(facts(), after_opening(6))
    assert view.deadline_at == after_opening(5)
    assert view.time_left == -days(1)


def test_h3_time_left_runs_down_to_the_second():
    assert progress(facts(), after_opening(5, seconds=-1)).time_left == timedelta(seconds=1)


# M1: the status of an escalated dispute ----------------------------------------------------------


def test_m1_nothing_asked_means_processing():
    assert mediation_status(escalated()) is MediationStatus.PROCESSING


@pytest.mark.parametrize(
    ("asked", "status"),
    [
        ((Actor.BUYER,), MediationStatus.WAITING_BUYER),
        ((Actor.SELLER,), MediationStatus.WAITING_SELLER),
        ((Actor.BUYER, Actor.SELLER), MediationStatus.WAITING_BOTH),
    ],
)
def test_m1_m2_an_evidence_request_waits_for_the_party_asked(asked, status):
    requests = tuple(evidence_request(party, after_opening(10)) for party in asked)
    assert mediation_status(escalated(open_requests=requests)) is status


@pytest.mark.parametrize(
    ("buyer", "seller", "status"),
    [
        (None, None, MediationStatus.WAITING_BOTH),
        (1, None, MediationStatus.WAITING_SELLER),
        (None, 2, MediationStatus.WAITING_BUYER),
        (1, 2, MediationStatus.PROCESSING),
        (2, 2, MediationStatus.PROCESSING),
    ],
)
def test_m1_m4_a_proposed_decision_waits_for_the_parties_yet_to_answer(buyer, seller, status):
    assert mediation_status(escalated(decision=decision(buyer=buyer, seller=seller))) is status


@pytest.mark.parametrize(("buyer", "seller"), [(REJECTED, None), (None, REJECTED), (1, REJECTED)])
def test_m1_m6_a_rejection_sends_the_dispute_back_to_processing(buyer, seller):
    assert mediation_status(escalated(decision=decision(buyer=buyer, seller=seller))) is (
        MediationStatus.PROCESSING
    )


def test_m1_m6_a_new_evidence_request_after_a_rejection_waits_for_the_party_asked():
    dispute = escalated(
        decision=decision(buyer=REJECTED, seller=1),
        open_requests=(evidence_request(Actor.SELLER, after_opening(11)),),
    )
    assert mediation_status(dispute) is MediationStatus.WAITING_SELLER
    assert progress(dispute, after_opening(9)).next_step.startswith("Waiting for the seller's response")


def test_m1_the_statuses_read_as_the_sources_word_them():
    assert [status.label for status in MediationStatus] == [
        "Processing",
        "Waiting for the buyer's response",
        "Waiting for the seller's response",
        "Waiting for both parties' response",
    ]


# M7: the buyer's record -------------------------------------------------------------------------


def test_m7_many_disputes_in_a_short_time_are_a_warning_sign():
    assert buyer_is_suspicious(3, ALIEXPRESS) is True
    assert buyer_is_suspicious(7, ALIEXPRESS) is True


def test_m7_a_few_disputes_are_not():
    assert buyer_is_suspicious(0, ALIEXPRESS) is False
    assert buyer_is_suspicious(2, ALIEXPRESS) is False


# M8: when the mediator must act, for the queue ----------------------------------------------------


FRIDAY = after_opening(4)  # 7 March 2025, 09:00 UTC


def test_m8_the_first_contact_sla_comes_first_for_a_gold_member():
    dispute = escalated(policy=DHGATE, escalated_at=FRIDAY, buyer_tier="gold")
    assert mediator_due_at(dispute) == after_opening(8)  # Tuesday 11 March


def test_m8_an_earlier_evidence_deadline_comes_before_the_sla():
    dispute = escalated(
        policy=DHGATE,
        escalated_at=FRIDAY,
        buyer_tier="gold",
        open_requests=(evidence_request(Actor.SELLER, after_opening(6)),),
    )
    assert mediator_due_at(dispute) == after_opening(6)


def test_m8_once_the_mediator_made_contact_the_final_resolution_is_due():
    dispute = escalated(
        policy=DHGATE, escalated_at=FRIDAY, buyer_tier="gold", mediator_acted_at=after_opening(5)
    )
    assert mediator_due_at(dispute) == FRIDAY + days(15)


def test_m8_aliexpress_has_no_sla_and_its_week_of_review_is_due_first():
    dispute = escalated(
        escalated_at=after_opening(7), open_requests=(evidence_request(Actor.BUYER, after_opening(20)),)
    )
    assert mediator_due_at(dispute) == after_opening(14)


def test_m8_the_queue_is_ordered_by_due_time_so_gold_members_come_before_regular_ones():
    regular = escalated(policy=DHGATE, escalated_at=after_opening(7), buyer_tier="regular")
    gold = escalated(policy=DHGATE, escalated_at=after_opening(9), buyer_tier="gold")
    queue = sorted([regular, gold], key=mediator_due_at)
    assert queue == [gold, regular]


@pytest.mark.parametrize(
    "dispute", [facts(), negotiating(), closed(), cancelled()], ids=lambda f: f.state.value
)
def test_m8_only_escalated_disputes_are_in_the_queue(dispute):
    assert mediator_due_at(dispute) is None


# H3, C4: each ending draws its own true path ------------------------------------------------------

PAID = {"refund_status": RefundStatus.REFUNDED}
UNANSWERED = {"seller_responded_at": None, "escalated_at": None}
NOT_ESCALATED = {"escalated_at": None}
ENDINGS = [
    # (ending, facts beyond closed(), the bar as "status" or "status: note" per stage)
    (
        "S2 the seller accepted the request",
        {**NOT_ESCALATED, "outcome": Outcome.SELLER_ACCEPTED, **PAID},
        ["done", "done: accepted", "skipped", "skipped", "skipped", "done: refunded"],
    ),
    (
        "S1 the seller never answered",
        {**UNANSWERED, "outcome": Outcome.SELLER_DID_NOT_RESPOND, **PAID},
        ["done", "missed: no answer", "skipped", "skipped", "skipped", "done: refunded"],
    ),
    (
        "N4 the parties agreed",
        {**NOT_ESCALATED, "outcome": Outcome.AGREED, **PAID},
        ["done", "done: rejected", "done: agreed", "skipped", "skipped", "done: refunded"],
    ),
    (
        "M5 both accepted the mediator's solution",
        {"outcome": Outcome.MEDIATION_AGREED, **PAID},
        [
            "done",
            "done: rejected",
            "done",
            "done",
            "done: both accepted a solution",
            "done: refunded",
        ],
    ),
    (
        "M5 the mediator's final decision, with a refund",
        {"outcome": Outcome.FINAL_DECISION, **PAID},
        ["done", "done: rejected", "done", "done", "done: final decision", "done: refunded"],
    ),
    (
        "M5 the mediator's final decision, nothing to refund",
        {"outcome": Outcome.FINAL_DECISION},
        ["done", "done: rejected", "done", "done", "done: final decision", "skipped"],
    ),
    (
        "M3 the buyer missed the mediator's deadline",
        {"outcome": Outcome.BUYER_MISSED_DEADLINE},
        [
            "done",
            "done: rejected",
            "done",
            "done",
            "done: the buyer missed a deadline",
            "skipped",
        ],
    ),
    (
        "M3 the seller did not take part",
        {"outcome": Outcome.SELLER_MISSED_DEADLINE, **PAID},
        [
            "done",
            "done: rejected",
            "done",
            "done",
            "done: the seller did not take part",
            "done: refunded",
        ],
    ),
    (
        "C1 cancelled before the seller answered",
        {**UNANSWERED, "state": State.CANCELLED, "outcome": Outcome.CANCELLED},
        ["done", "skipped", "skipped", "skipped", "skipped", "skipped"],
    ),
    (
        "C1 cancelled during negotiation",
        {**NOT_ESCALATED, "state": State.CANCELLED, "outcome": Outcome.CANCELLED},
        ["done", "done: rejected", "done", "skipped", "skipped", "skipped"],
    ),
    (
        "C1 arbitration cancelled",
        {"outcome": Outcome.ARBITRATION_CANCELLED},
        ["done", "done: rejected", "done", "done", "skipped", "skipped"],
    ),
    (
        "F2 agreed on a return the buyer never shipped",
        {**NOT_ESCALATED, "outcome": Outcome.SELLER_ACCEPTED, "return_status": ReturnStatus.LAPSED},
        [
            "done",
            "done: accepted",
            "skipped",
            "skipped",
            "skipped",
            "missed: the item was not sent back",
        ],
    ),
]


@pytest.mark.parametrize(("ending", "overrides", "expected"), ENDINGS, ids=[e[0] for e in ENDINGS])
def test_h3_c4_each_ending_draws_its_own_true_path(ending, overrides, expected):
    dispute = closed(**overrides)
    view = progress(dispute, after_opening(30))
    assert view.current is None
    assert [f"{s.status}: {s.note}" if s.note else s.status for s in view.stages] == expected


def test_h3_c4_every_ending_is_in_the_table():
    drawn = {overrides["outcome"] for _, overrides, _ in ENDINGS}
    assert drawn == set(Outcome)


def test_h3_c3_a_complaint_after_the_seller_accepted_goes_to_review_without_a_negotiation():
    dispute = escalated(outcome=Outcome.SELLER_ACCEPTED, escalated_at=after_opening(10))
    assert bar(dispute) == statuses("done", "done", "skipped", "current", "upcoming", "upcoming")
