"""Who may open a dispute, when, and with what form (O1-O9)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from dispute_builders import ALIEXPRESS, DHGATE, DISPATCHED, PROTECTION_ENDS, SECOND, days, order

from dispute_engine import (
    DisputeRequest,
    FormInvalid,
    OrderFacts,
    Policy,
    Reason,
    Resolution,
    RuleViolation,
    check_can_open,
    guidance_for,
    in_transit_reason_opens_at,
    opening_window,
    reasons_for,
    validate_request,
)

OPENS = DISPATCHED + days(10)  # 20 February 2025, 09:00 UTC
A_GOOD_DAY = DISPATCHED + days(20)


def open_now(order_facts: OrderFacts, now: datetime, *, is_buyer: bool = True, has_dispute: bool = False):
    return check_can_open(order_facts, ALIEXPRESS, now, is_buyer=is_buyer, has_dispute=has_dispute)


def form(order_facts: OrderFacts | None = None, now: datetime = A_GOOD_DAY, **fields: Any) -> DisputeRequest:
    """Submit the dispute form; by default a received item that does not work, refund only 45.00."""
    values: dict[str, Any] = {
        "received": "yes",
        "reason": Reason.QUALITY_PROBLEM.value,
        "resolution": Resolution.REFUND_ONLY.value,
        "amount": "45.00",
        "description": "The phone does not turn on, even on the charger.",
        "evidence_count": 1,
    }
    return validate_request(order_facts or order(), now, **(values | fields))


def form_errors(order_facts: OrderFacts | None = None, now: datetime = A_GOOD_DAY, **fields: Any):
    with pytest.raises(FormInvalid) as refused:
        form(order_facts, now, **fields)
    return refused.value.errors


# O1 ---------------------------------------------------------------------------------------------


def test_o1_the_orders_buyer_may_open_a_dispute():
    open_now(order(), A_GOOD_DAY)


def test_o1_nobody_but_the_orders_buyer_may_open_a_dispute():
    with pytest.raises(RuleViolation) as refused:
        open_now(order(), A_GOOD_DAY, is_buyer=False)
    assert refused.value.rule == "O1"
    assert "buyer" in refused.value.message


def test_o1_an_order_with_a_dispute_cannot_get_a_second_one():
    with pytest.raises(RuleViolation) as refused:
        open_now(order(), A_GOOD_DAY, has_dispute=True)
    assert refused.value.rule == "O1"
    assert "already has a dispute" in refused.value.message


# O2 ---------------------------------------------------------------------------------------------


def test_o2_not_before_ten_days_after_dispatch():
    with pytest.raises(RuleViolation) as refused:
        open_now(order(), OPENS - SECOND)
    assert refused.value.rule == "O2"
    assert "20 February 2025, 09:00" in refused.value.message
    assert "10 days after dispatch" in refused.value.message


def test_o2_from_the_moment_ten_days_after_dispatch_have_passed():
    open_now(order(), OPENS)


def test_o2_the_days_count_from_dispatch_not_from_payment_so_an_undispatched_order_cannot_be_disputed():
    with pytest.raises(RuleViolation) as refused:
        open_now(order(dispatched_at=None), A_GOOD_DAY)
    assert refused.value.rule == "O2"
    assert "not been dispatched" in refused.value.message
    assert opening_window(order(dispatched_at=None), ALIEXPRESS)[0] is None


def test_o2_the_ten_days_are_a_policy_number():
    later = order()
    shorter = Policy.from_mapping({"name": "quick", "title": "Quick", "open_after_dispatch_days": 3})
    check_can_open(later, shorter, DISPATCHED + days(3), is_buyer=True, has_dispute=False)
    with pytest.raises(RuleViolation):
        check_can_open(later, DHGATE, DISPATCHED + days(3), is_buyer=True, has_dispute=False)


# O3 ---------------------------------------------------------------------------------------------


def test_o3_until_fifteen_days_after_the_buyer_confirmed_receipt():
    confirmed = DISPATCHED + days(25)
    confirmed_order = order(receipt_confirmed_at=confirmed)
    open_now(confirmed_order, confirmed + days(15))
    with pytest.raises(RuleViolation) as refused:
        open_now(confirmed_order, confirmed + days(15) + SECOND)
    assert refused.value.rule == "O3"
    assert "22 March 2025, 09:00" in refused.value.message


def test_o3_receipt_confirmation_closes_the_window_even_while_protection_runs_on():
    confirmed = DISPATCHED + days(25)
    assert confirmed + days(15) < PROTECTION_ENDS
    assert opening_window(order(receipt_confirmed_at=confirmed), ALIEXPRESS)[1] == confirmed + days(15)


def test_o3_without_confirmed_receipt_until_fifteen_days_after_protection_ended():
    open_now(order(), PROTECTION_ENDS + days(15))
    with pytest.raises(RuleViolation) as refused:
        open_now(order(), PROTECTION_ENDS + days(15) + SECOND)
    assert refused.value.rule == "O3"
    assert "26 April 2025, 09:00" in refused.value.message


# O4 ---------------------------------------------------------------------------------------------


def test_o4_a_complete_form_gives_the_buyers_request():
    request = form()
    assert request == DisputeRequest(
        received=True,
        reason=Reason.QUALITY_PROBLEM,
        resolution=Resolution.REFUND_ONLY,
        amount=Decimal("45.00"),
        description="The phone does not turn on, even on the charger.",
    )


def test_o4_every_field_is_required_and_each_wrong_field_is_named():
    errors = form_errors(received="", reason="", resolution="", amount="", description="  ")
    assert set(errors) == {"received", "reason", "resolution", "amount", "description"}
    assert all(message.strip() for message in errors.values())


@pytest.mark.parametrize("answer", [True, "yes", "Yes", " YES "])
def test_o4_received_yes_in_its_spellings(answer):
    assert form(received=answer).received is True


@pytest.mark.parametrize("answer", [False, "no", "No"])
def test_o4_received_no_in_its_spellings(answer):
    assert form(received=answer, reason=Reason.NO_TRACKING.value, evidence_count=0).received is False


def test_o4_an_unknown_reason_or_resolution_is_refused():
    errors = form_errors(reason="because", resolution="a_new_phone")
    assert set(errors) == {"reason", "resolution"}


def test_o4_an_overlong_description_is_refused():
    assert "description" in form_errors(description="x" * 4001)
    assert form(description="x" * 4000).description == "x" * 4000


def test_o4_the_description_is_kept_without_surrounding_blanks():
    assert form(description="  Cracked screen.\n").description == "Cracked screen."


# O5 ---------------------------------------------------------------------------------------------


def test_o5_reasons_for_goods_received():
    assert [info.reason for info in reasons_for(True)] == [
        Reason.NOT_AS_DESCRIBED,
        Reason.QUALITY_PROBLEM,
        Reason.DAMAGED_IN_TRANSIT,
        Reason.QUANTITY_MISMATCH,
        Reason.COUNTERFEIT,
        Reason.MISSING_PARTS,
    ]


def test_o5_reasons_for_goods_not_received():
    assert [info.reason for info in reasons_for(False)] == [
        Reason.PROTECTION_EXPIRING_IN_TRANSIT,
        Reason.RETURNED_TO_SELLER,
        Reason.NO_TRACKING,
        Reason.CUSTOMS_PROBLEM,
        Reason.WRONG_ADDRESS,
    ]


def test_o5_every_reason_has_a_readable_label():
    for info in [*reasons_for(True), *reasons_for(False)]:
        assert info.label and info.label[0].isupper()


def test_o5_a_reason_for_received_goods_is_refused_when_they_were_not_received():
    errors = form_errors(received="no", reason=Reason.DAMAGED_IN_TRANSIT.value, evidence_count=0)
    assert errors == {"reason": "That reason is for goods you received."}


def test_o5_a_reason_for_missing_goods_is_refused_when_they_were_received():
    errors = form_errors(received="yes", reason=Reason.NO_TRACKING.value)
    assert errors == {"reason": "That reason is for goods you did not receive."}


def test_o5_protection_expiring_in_transit_is_refused_before_protection_ended_with_the_date():
    errors = form_errors(
        now=PROTECTION_ENDS - SECOND,
        received="no",
        reason=Reason.PROTECTION_EXPIRING_IN_TRANSIT.value,
        evidence_count=0,
    )
    assert set(errors) == {"reason"}
    assert "11 April 2025, 09:00" in errors["reason"]
    assert in_transit_reason_opens_at(order(), PROTECTION_ENDS - SECOND) == PROTECTION_ENDS


def test_o5_protection_expiring_in_transit_is_allowed_once_protection_ended():
    request = form(
        now=PROTECTION_ENDS,
        received="no",
        reason=Reason.PROTECTION_EXPIRING_IN_TRANSIT.value,
        evidence_count=0,
    )
    assert request.reason is Reason.PROTECTION_EXPIRING_IN_TRANSIT
    assert in_transit_reason_opens_at(order(), PROTECTION_ENDS) is None
    assert in_transit_reason_opens_at(order(), PROTECTION_ENDS + days(3)) is None


# O6 ---------------------------------------------------------------------------------------------


def test_o6_refund_only_for_goods_never_received():
    request = form(received="no", reason=Reason.NO_TRACKING.value, evidence_count=0)
    assert request.resolution is Resolution.REFUND_ONLY


def test_o6_return_goods_and_refund_only_when_received():
    assert form(resolution=Resolution.RETURN_AND_REFUND.value).resolution is Resolution.RETURN_AND_REFUND
    errors = form_errors(
        received="no",
        reason=Reason.NO_TRACKING.value,
        resolution=Resolution.RETURN_AND_REFUND.value,
        evidence_count=0,
    )
    assert set(errors) == {"resolution"}


def test_o6_the_two_resolutions_use_the_sources_words():
    assert Resolution.REFUND_ONLY.label == "Refund only"
    assert Resolution.RETURN_AND_REFUND.label == "Return goods and refund"


# O7 (the form's side; the parsing itself is in test_money.py) -----------------------------------


def test_o7_the_form_refuses_a_refund_above_the_order_total():
    errors = form_errors(amount="50.01")
    assert errors == {"amount": "The amount cannot be more than the order total, 50.00 USD."}


def test_o7_the_form_accepts_the_whole_order_total():
    assert form(amount="50").amount == Decimal("50.00")


def test_o7_the_form_refuses_a_zero_refund():
    assert "at least 0.01 USD" in form_errors(amount="0")["amount"]


# O8 ---------------------------------------------------------------------------------------------


def test_o8_received_goods_need_at_least_one_photo_or_video():
    errors = form_errors(evidence_count=0)
    assert set(errors) == {"evidence"}


def test_o8_one_photo_is_enough():
    assert form(evidence_count=1).received is True


def test_o8_goods_not_received_need_no_evidence():
    assert form(received="no", reason=Reason.CUSTOMS_PROBLEM.value, evidence_count=0).received is False


def test_o8_the_caller_may_defer_the_evidence_check_to_after_the_upload():
    assert form(evidence_count=0, require_evidence=False).received is True


# O9 ---------------------------------------------------------------------------------------------


def test_o9_damaged_in_transit_is_won_with_the_packaging_and_an_unboxing_video():
    words = guidance_for(Reason.DAMAGED_IN_TRANSIT).lower()
    assert "packaging" in words
    assert "unboxing video" in words


def test_o9_a_quality_problem_is_won_with_a_video_on_the_charger_beside_a_device_that_charges():
    words = guidance_for(Reason.QUALITY_PROBLEM).lower()
    assert "video" in words
    assert "charger" in words
    assert "another device" in words


def test_o9_not_as_described_is_won_with_a_tape_measure_or_the_listings_spec():
    words = guidance_for(Reason.NOT_AS_DESCRIBED).lower()
    assert "tape measure" in words
    assert "specification" in words


@pytest.mark.parametrize("info", reasons_for(False), ids=lambda info: info.reason.value)
def test_o9_goods_not_received_are_won_with_the_tracking_page(info):
    assert "tracking page" in guidance_for(info.reason).lower()


@pytest.mark.parametrize("reason", list(Reason))
def test_o9_every_reason_has_guidance(reason):
    assert len(guidance_for(reason)) > 20
