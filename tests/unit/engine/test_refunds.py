"""F1 for the buyer: how and when a refund arrives, and the order's status as the dispute moves it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from dispute_builders import ALIEXPRESS, DHGATE

from dispute_engine import RefundStatus, ReturnStatus, State, add_business_days
from dispute_engine.refunds import order_status, refund_arrival

PAID = datetime(2025, 3, 7, 12, 0, tzinfo=UTC)  # a Friday


def test_f1_aliexpress_refunds_go_back_to_the_payment_card_in_7_to_10_business_days():
    arrival = refund_arrival(ALIEXPRESS, PAID)
    assert arrival.method == "to the card or account the order was paid with"
    assert (arrival.min_days, arrival.max_days) == (7, 10)
    assert arrival.earliest == add_business_days(PAID, 7) == datetime(2025, 3, 18, 12, 0, tzinfo=UTC)
    assert arrival.latest == add_business_days(PAID, 10) == datetime(2025, 3, 21, 12, 0, tzinfo=UTC)


def test_f1_before_the_refund_is_paid_only_the_method_and_the_days_are_known():
    arrival = refund_arrival(ALIEXPRESS, None)
    assert arrival.earliest is None and arrival.latest is None and arrival.max_days == 10


def test_f1_dhgate_says_nothing_of_how_so_nothing_is_promised():
    arrival = refund_arrival(DHGATE, PAID)
    assert (arrival.method, arrival.max_days, arrival.latest) == ("", 0, None)


@pytest.mark.parametrize(
    ("confirmed", "state", "refund", "return_", "expected"),
    [
        (False, None, None, None, "Pending confirmation"),
        (True, None, None, None, "Completed"),
        (False, State.AWAITING_SELLER, None, None, "In dispute"),
        (True, State.ESCALATED, None, None, "In dispute"),
        (False, State.CANCELLED, None, None, "Pending confirmation"),
        (True, State.CLOSED, RefundStatus.PENDING, None, "Payment processing"),
        (True, State.CLOSED, None, ReturnStatus.AWAITING_SHIPMENT, "Return in progress"),
        (True, State.CLOSED, None, ReturnStatus.SHIPPED, "Return in progress"),
        (True, State.CLOSED, RefundStatus.REFUNDED, ReturnStatus.RECEIVED, "Refunded"),
        (True, State.CLOSED, None, ReturnStatus.LAPSED, "Completed"),
        (True, State.CLOSED, None, None, "Completed"),
    ],
)
def test_f1_f2_the_order_status_follows_its_dispute(confirmed, state, refund, return_, expected):
    assert order_status(confirmed, state, refund, return_) == expected


def test_f1_a_policy_cannot_promise_a_window_that_ends_before_it_starts():
    from dispute_engine import Policy

    with pytest.raises(ValueError, match="refund_arrival_min_business_days"):
        Policy.from_mapping(
            {
                "name": "x",
                "title": "X",
                "refund_arrival_min_business_days": 9,
                "refund_arrival_max_business_days": 3,
            }
        )
