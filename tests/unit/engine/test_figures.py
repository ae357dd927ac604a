"""The amounts a person reads: the request, then what was proposed, agreed or decided (C4, M4)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from dispute_builders import (
    ALL_BACK_AFTER_RETURN,
    HALF_BACK_KEEP_ITEM,
    REQUEST,
    after_opening,
    cancelled,
    closed,
    decision,
    escalated,
    facts,
    negotiating,
)

from dispute_engine import NOTHING, Outcome, Resolution, Terms, describe_figures, figures

AGREED_AT_TEN = Terms(Resolution.REFUND_ONLY, Decimal("10.00"))


def said(dispute) -> str:
    return describe_figures(figures(dispute), "USD")


@pytest.mark.parametrize("dispute", [facts(), negotiating()], ids=["awaiting the seller", "negotiating"])
def test_while_the_parties_talk_the_request_is_the_figure(dispute):
    assert said(dispute) == "Refund only: requested 45.00 USD"


def test_c4_a_dispute_agreed_at_ten_reads_requested_then_agreed():
    dispute = closed(escalated_at=None, outcome=Outcome.AGREED, outcome_terms=AGREED_AT_TEN)
    assert figures(dispute)[-1].label == "agreed"
    assert said(dispute) == "Refund only: requested 45.00 USD → agreed 10.00 USD"


def test_m4_a_live_proposal_shows_both_solutions_each_with_its_kind():
    dispute = escalated(decision=decision(HALF_BACK_KEEP_ITEM, ALL_BACK_AFTER_RETURN))
    assert said(dispute) == (
        "requested 45.00 USD (refund only) → proposed 25.00 USD (refund only) or "
        "50.00 USD (return goods and refund)"
    )


def test_m4_a_single_solution_proposal():
    dispute = escalated(decision=decision(HALF_BACK_KEEP_ITEM))
    assert said(dispute) == "Refund only: requested 45.00 USD → proposed 25.00 USD"


@pytest.mark.parametrize(
    ("outcome", "terms", "words"),
    [
        (Outcome.SELLER_ACCEPTED, REQUEST, "accepted 45.00 USD"),
        (Outcome.SELLER_DID_NOT_RESPOND, REQUEST, "granted 45.00 USD"),
        (Outcome.MEDIATION_AGREED, HALF_BACK_KEEP_ITEM, "agreed 25.00 USD"),
        (Outcome.FINAL_DECISION, HALF_BACK_KEEP_ITEM, "decided 25.00 USD"),
        (Outcome.SELLER_MISSED_DEADLINE, REQUEST, "decided 45.00 USD"),
        (Outcome.BUYER_MISSED_DEADLINE, NOTHING, "decided 0.00 USD"),
        (Outcome.ARBITRATION_CANCELLED, NOTHING, "cancelled 0.00 USD"),
    ],
)
def test_c4_each_ending_names_the_figure_it_closed_on(outcome, terms, words):
    dispute = closed(outcome=outcome, outcome_terms=terms)
    assert said(dispute) == f"Refund only: requested 45.00 USD → {words}"


def test_c1_a_cancelled_return_request_keeps_its_kind_beside_nothing():
    ask = Terms(Resolution.RETURN_AND_REFUND, Decimal("45.00"))
    dispute = cancelled(request=ask, outcome=Outcome.CANCELLED, outcome_terms=NOTHING)
    assert said(dispute) == "Return goods and refund: requested 45.00 USD → cancelled 0.00 USD"


def test_c3_a_complaint_keeps_what_it_closed_on_before_the_new_proposal():
    dispute = escalated(
        escalated_at=after_opening(12),
        outcome=Outcome.AGREED,
        outcome_terms=AGREED_AT_TEN,
        decision=decision(HALF_BACK_KEEP_ITEM),
    )
    assert said(dispute) == "Refund only: requested 45.00 USD → agreed 10.00 USD → proposed 25.00 USD"
