"""Proposals between the parties (N2, N3) and the mediator's solutions (M4), within the total (F3)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dispute_engine import (
    FormInvalid,
    ProposalForm,
    Resolution,
    RuleViolation,
    Terms,
    check_proposal_slot,
    validate_decision_solutions,
    validate_terms,
)

TOTAL = Decimal("50.00")
REFUND, RETURN = Resolution.REFUND_ONLY, Resolution.RETURN_AND_REFUND


def proposal(resolution: object = "refund_only", amount: object = "20", comment: object = "", **solutions):
    values = {"total": TOTAL, "currency": "USD", "received": True} | solutions
    return validate_terms(resolution, amount, comment, **values)


def proposal_errors(*args, **solutions) -> dict[str, str]:
    with pytest.raises(FormInvalid) as refused:
        proposal(*args, **solutions)
    return refused.value.errors


def solutions(*rows, received: bool = True) -> list[ProposalForm]:
    return validate_decision_solutions(list(rows), total=TOTAL, currency="USD", received=received)


def option_errors(*rows, received: bool = True) -> dict[str, str]:
    with pytest.raises(FormInvalid) as refused:
        solutions(*rows, received=received)
    return refused.value.errors


# N2: a proposal ----------------------------------------------------------------------------------


def test_n2_a_proposal_is_a_resolution_an_amount_and_a_comment():
    form = proposal("return_and_refund", "50", "  Send it back, I refund all.  ")
    assert form == ProposalForm(Terms(RETURN, Decimal("50.00")), "Send it back, I refund all.")


def test_n2_the_comment_may_be_left_empty_but_not_overlong():
    assert proposal(comment=None).comment == ""
    assert set(proposal_errors(comment="x" * 2001)) == {"comment"}


def test_n2_o6_a_proposal_needs_a_known_resolution():
    assert set(proposal_errors("keep_it_and_smile")) == {"resolution"}


def test_n2_o6_return_goods_and_refund_needs_goods_the_buyer_received():
    errors = proposal_errors("return_and_refund", received=False)
    assert errors == {"resolution": "Return goods and refund needs goods the buyer received."}


def test_n2_o7_a_proposal_amount_follows_the_o7_bounds():
    assert proposal_errors(amount="0") == {"amount": "The amount must be at least 0.01 USD."}
    assert proposal_errors(amount="0.005") == {"amount": "USD amounts have at most 2 decimals."}


def test_f3_n2_a_proposal_above_the_order_total_is_refused():
    assert proposal_errors(amount="50.01") == {
        "amount": "The amount cannot be more than the order total, 50.00 USD."
    }


def test_n2_every_wrong_field_is_named_at_once():
    assert set(proposal_errors("nope", "nope", "x" * 2001)) == {"resolution", "amount", "comment"}


# N2: two live proposals at most, one of each resolution ------------------------------------------


def test_n2_a_first_proposal_of_either_kind_is_welcome():
    check_proposal_slot([], REFUND)
    check_proposal_slot([], RETURN)


def test_n2_add_solution_adds_the_other_kind():
    check_proposal_slot([REFUND], RETURN)
    check_proposal_slot([RETURN], REFUND)


def test_n2_a_second_live_proposal_of_the_same_kind_is_refused():
    with pytest.raises(RuleViolation) as refused:
        check_proposal_slot([REFUND], REFUND)
    assert refused.value.rule == "N2"
    assert "Refund only" in refused.value.message
    assert "change it" in refused.value.message


@pytest.mark.parametrize("resolution", [REFUND, RETURN])
def test_n2_a_third_live_proposal_is_refused(resolution):
    with pytest.raises(RuleViolation) as refused:
        check_proposal_slot([REFUND, RETURN], resolution)
    assert refused.value.rule == "N2"


def test_n2_live_proposals_can_be_any_iterable():
    check_proposal_slot(iter([RETURN]), REFUND)


# N3: changing one's own proposal ----------------------------------------------------------------


def test_n3_a_party_may_change_its_proposal_keeping_its_kind():
    check_proposal_slot([REFUND, RETURN], REFUND, replacing=REFUND)


def test_n3_a_lone_proposal_may_change_its_kind():
    check_proposal_slot([REFUND], RETURN, replacing=REFUND)


def test_n3_a_change_cannot_make_two_of_a_kind():
    with pytest.raises(RuleViolation) as refused:
        check_proposal_slot([REFUND, RETURN], RETURN, replacing=REFUND)
    assert refused.value.rule == "N2"


def test_n3_only_a_live_proposal_can_be_changed():
    with pytest.raises(RuleViolation) as refused:
        check_proposal_slot([RETURN], REFUND, replacing=REFUND)
    assert refused.value.rule == "N3"
    assert "no longer live" in refused.value.message


# M4: the mediator's one or two solutions ---------------------------------------------------------


def test_m4_the_sources_two_solutions_half_back_keeping_it_or_everything_after_returning_it():
    forms = solutions(
        ("refund_only", "25", "Keep the phone, half the money back."),
        ("return_and_refund", "50", "Everything back after returning it at your cost."),
    )
    assert [form.terms for form in forms] == [
        Terms(REFUND, Decimal("25.00")),
        Terms(RETURN, Decimal("50.00")),
    ]
    assert forms[1].comment.startswith("Everything back")


def test_m4_one_solution_is_enough_and_empty_rows_are_ignored():
    forms = solutions(("refund_only", "45", ""), ("", "", ""))
    assert len(forms) == 1


def test_m4_a_second_solution_with_only_its_resolution_chosen_is_absent():
    # A form's choice of resolution always sends a value: nothing typed means no second solution.
    forms = solutions(("refund_only", "45", "Keep it"), ("refund_only", "", " "))
    assert [form.terms for form in forms] == [Terms(REFUND, Decimal("45.00"))]


def test_m4_a_solution_with_a_comment_but_no_amount_asks_for_its_amount_by_name():
    errors = option_errors(("refund_only", "45", ""), ("refund_only", "", "Everything back after a return"))
    assert errors == {"solution2_amount": "Solution 2: enter an amount."}


def test_m4_errors_name_the_solution_where_it_was_typed():
    errors = option_errors(("refund_only", "", ""), ("refund_only", "12.345", ""))
    assert errors == {"solution2_amount": "Solution 2: USD amounts have at most 2 decimals."}


def test_m4_no_solution_is_refused():
    assert option_errors(("", "", ""), ("", "", "")) == {"solutions": "Offer one or two solutions."}


def test_m4_three_solutions_are_refused():
    assert option_errors(("refund_only", "10", ""), ("refund_only", "20", ""), ("refund_only", "30", "")) == {
        "solutions": "Offer one or two solutions."
    }


def test_m4_two_identical_solutions_are_refused():
    errors = option_errors(("refund_only", "25", "a"), ("refund_only", "25.00", "b"))
    assert set(errors) == {"solutions"}


def test_m4_m3_a_solution_may_grant_nothing():
    (form,) = solutions(("refund_only", "0", "The evidence does not show a fault."))
    assert form.terms == Terms(REFUND, Decimal("0"))


def test_m4_each_wrong_field_is_named_with_its_solution():
    errors = option_errors(("refund_only", "25", ""), ("return_and_refund", "-3", ""), received=False)
    assert set(errors) == {"solution2_resolution", "solution2_amount"}


def test_f3_m4_a_solution_above_the_order_total_is_refused():
    errors = option_errors(("refund_only", "25", ""), ("return_and_refund", "50.01", ""))
    assert errors == {
        "solution2_amount": "Solution 2: the amount cannot be more than the order total, 50.00 USD."
    }
