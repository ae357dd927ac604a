"""Which deadlines act against a party, and when each of its reminders may go out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from dispute_builders import (
    ALIEXPRESS,
    OPENED,
    after_opening,
    closed,
    decision,
    escalated,
    evidence_request,
    facts,
    negotiating,
    policy,
)

from dispute_engine import REJECTED, Actor, Policy, RefundStatus, ReturnStatus
from dispute_engine.reminders import person_deadlines, reminder_slots


def kinds(dispute) -> list[tuple[str, str, str]]:
    return [(d.kind, d.party.value, d.rule) for d in person_deadlines(dispute)]


def test_s1_the_sellers_response_is_due_five_days_after_opening():
    [deadline] = person_deadlines(facts())
    assert (deadline.kind, deadline.party, deadline.at) == ("seller_response", Actor.SELLER, after_opening(5))
    assert deadline.task == "accept or reject the buyer's request"


def test_n1_the_end_of_negotiation_acts_against_nobody():
    assert person_deadlines(negotiating()) == ()


def test_m2_m4_each_open_request_and_each_unanswered_party_has_its_own_deadline():
    dispute = escalated(
        open_requests=(evidence_request(Actor.BUYER, after_opening(9)),),
        decision=decision(buyer=1),
    )
    assert kinds(dispute) == [("buyer_evidence", "buyer", "M2"), ("decision_answers", "seller", "M4")]


def test_m6_a_party_that_rejected_has_answered_and_is_not_reminded():
    dispute = escalated(decision=decision(buyer=REJECTED))
    assert kinds(dispute) == [("decision_answers", "seller", "M4")]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (ReturnStatus.AWAITING_SHIPMENT, [("return_shipment", "buyer", "F2")]),
        (ReturnStatus.SHIPPED, [("return_confirmation", "seller", "F2")]),
        (ReturnStatus.RECEIVED, []),
    ],
)
def test_f2_the_return_is_due_from_whoever_holds_it(status, expected):
    due = after_opening(20) if status is not ReturnStatus.RECEIVED else None
    assert kinds(closed(return_status=status, return_due_at=due)) == expected


def test_f1_a_pending_refund_is_due_from_the_seller_and_a_paid_one_from_nobody():
    assert kinds(closed(refund_status=RefundStatus.PENDING, refund_due_at=after_opening(25))) == [
        ("refund_payment", "seller", "F1")
    ]
    assert kinds(closed(refund_status=RefundStatus.REFUNDED, refund_due_at=after_opening(25))) == []


def test_reminders_go_24_hours_and_2_hours_before_and_each_stops_when_the_next_starts():
    due = OPENED + timedelta(days=5)
    day, two_hours = reminder_slots(due, ALIEXPRESS.reminder_lead_hours)
    assert (day.lead, day.send_at, day.expires_at) == (
        timedelta(hours=24),
        due - timedelta(hours=24),
        due - timedelta(hours=2),
    )
    assert (two_hours.lead, two_hours.send_at, two_hours.expires_at) == (
        timedelta(hours=2),
        due - timedelta(hours=2),
        due,
    )


def test_a_policy_chooses_its_own_lead_times_and_refuses_nonsense():
    assert [
        s.lead for s in reminder_slots(OPENED, policy(reminder_lead_hours=(48,)).reminder_lead_hours)
    ] == [timedelta(hours=48)]
    assert Policy.from_toml('name = "x"\ntitle = "X"\nreminder_lead_hours = [72, 1]').reminder_lead_hours == (
        72,
        1,
    )
    with pytest.raises(ValueError, match="reminder_lead_hours"):
        Policy.from_toml('name = "x"\ntitle = "X"\nreminder_lead_hours = [-1]')
    with pytest.raises(ValueError, match="reminder_lead_hours"):
        Policy.from_toml('name = "x"\ntitle = "X"\nreminder_lead_hours = 24')
