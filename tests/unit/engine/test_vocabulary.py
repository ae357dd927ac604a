"""The words a person reads: outcomes (C4), parties, stages."""

from __future__ import annotations

import pytest

from dispute_engine import OPEN_STATES, PARTIES, Actor, Outcome, State


@pytest.mark.parametrize("outcome", list(Outcome))
def test_c4_every_outcome_has_a_readable_label(outcome):
    label = outcome.label
    assert label[0].isupper()
    assert len(label.split()) >= 4
    assert "_" not in label


def test_c4_no_two_outcomes_read_the_same():
    labels = [outcome.label for outcome in Outcome]
    assert len(set(labels)) == len(labels)


def test_c4_s2_a_seller_accepted_dispute_reads_closed_by_seller():
    assert Outcome.SELLER_ACCEPTED.label.startswith("Dispute closed by seller")


@pytest.mark.parametrize(
    ("outcome", "winner"),
    [
        (Outcome.SELLER_DID_NOT_RESPOND, "buyer's favour"),  # S1
        (Outcome.SELLER_MISSED_DEADLINE, "buyer's favour"),  # M3
        (Outcome.BUYER_MISSED_DEADLINE, "seller's favour"),  # M3
    ],
)
def test_c4_s1_m3_an_outcome_decided_by_a_missed_deadline_says_who_it_favours(outcome, winner):
    assert winner in outcome.label


def test_c4_c1_cancelling_says_where_the_money_goes():
    assert "no refund" in Outcome.CANCELLED.label
    assert "money goes to the seller" in Outcome.ARBITRATION_CANCELLED.label


def test_the_buyer_and_the_seller_are_each_others_other_party():
    assert Actor.BUYER.other_party is Actor.SELLER
    assert Actor.SELLER.other_party is Actor.BUYER
    assert PARTIES == (Actor.BUYER, Actor.SELLER)


@pytest.mark.parametrize("actor", [Actor.MEDIATOR, Actor.SYSTEM])
def test_the_mediator_and_the_clock_are_not_parties(actor):
    with pytest.raises(ValueError, match="not a party"):
        _ = actor.other_party


def test_e1_c1_the_open_states_are_those_before_closing_or_cancelling():
    assert {State.AWAITING_SELLER, State.NEGOTIATING, State.ESCALATED} == OPEN_STATES
