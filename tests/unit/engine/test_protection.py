"""Extending buyer protection while the parcel is in transit (O10-O12), table by table."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest
from dispute_builders import ALIEXPRESS, DHGATE, DISPATCHED, PROTECTION_ENDS, SECOND, days, order

from dispute_engine import (
    ExtensionFacts,
    FormInvalid,
    NotPermitted,
    Policy,
    RuleViolation,
    check_can_answer,
    check_can_ask,
    days_left,
    in_transit_reason_opens_at,
    opening_window,
    validate_ask,
    validate_grant,
)

IN_TRANSIT = DISPATCHED + days(20)


def facts(**overrides: Any) -> ExtensionFacts:
    """An order in transit, no dispute, no request waiting, never extended; `order_*` keys edit the order."""
    order_overrides = {k.removeprefix("order_"): v for k, v in overrides.items() if k.startswith("order_")}
    rest = {k: v for k, v in overrides.items() if not k.startswith("order_")}
    return ExtensionFacts(order=order(**order_overrides), **rest)


# O10: who may ask, and when --------------------------------------------------------------------

ASK_REFUSED = [
    ("not dispatched", {"order_dispatched_at": None}, IN_TRANSIT, "O10", "not been dispatched"),
    (
        "receipt confirmed",
        {"order_receipt_confirmed_at": IN_TRANSIT},
        IN_TRANSIT,
        "O10",
        "no longer in transit",
    ),
    ("protection ended", {}, PROTECTION_ENDS, "O10", "can no longer be extended"),
    ("a dispute is open", {"has_open_dispute": True}, IN_TRANSIT, "O10", "open dispute"),
    ("a request waits", {"request_waiting": True}, IN_TRANSIT, "O10", "already waiting"),
    (
        "three grants used",
        {"grants": 3, "granted_days": 30},
        IN_TRANSIT,
        "O11",
        "as far as AliExpress allows",
    ),
    ("ninety days used", {"grants": 2, "granted_days": 90}, IN_TRANSIT, "O11", "90 days"),
]


@pytest.mark.parametrize(
    ("overrides", "now", "rule", "words"),
    [case[1:] for case in ASK_REFUSED],
    ids=[case[0] for case in ASK_REFUSED],
)
def test_o10_o11_the_buyer_may_not_ask_outside_transit_or_past_the_limits(
    overrides: dict[str, Any], now: datetime, rule: str, words: str
):
    with pytest.raises(RuleViolation) as refused:
        check_can_ask(facts(**overrides), ALIEXPRESS, now, is_buyer=True)
    assert refused.value.rule == rule
    assert words in refused.value.message


@pytest.mark.parametrize("now", [DISPATCHED, IN_TRANSIT, PROTECTION_ENDS - SECOND])
def test_o10_the_buyer_may_ask_from_dispatch_until_the_second_protection_ends(now: datetime):
    check_can_ask(facts(), ALIEXPRESS, now, is_buyer=True)


def test_o10_only_the_buyer_may_ask():
    with pytest.raises(NotPermitted) as refused:
        check_can_ask(facts(), ALIEXPRESS, IN_TRANSIT, is_buyer=False)
    assert refused.value.rule == "O10"


DAYS = [
    ("one day", "1", 1),
    ("the most one request may ask", "30", 30),
    ("spaces around", " 7 ", 7),
]
BAD_DAYS = ["", "0", "31", "-3", "2.5", "seven", "١٢", "9" * 40]


@pytest.mark.parametrize(("raw", "expected"), [c[1:] for c in DAYS], ids=[c[0] for c in DAYS])
def test_o10_a_request_asks_for_whole_days_within_the_policy_limit(raw: str, expected: int):
    asked = validate_ask(facts(), ALIEXPRESS, IN_TRANSIT, is_buyer=True, days=raw, reason="  Stuck.  ")
    assert (asked.days, asked.reason) == (expected, "Stuck.")


@pytest.mark.parametrize("raw", BAD_DAYS)
def test_o10_a_request_for_days_outside_one_to_the_limit_is_refused_with_a_sentence(raw: str):
    with pytest.raises(FormInvalid) as refused:
        validate_ask(facts(), ALIEXPRESS, IN_TRANSIT, is_buyer=True, days=raw, reason="")
    assert refused.value.errors == {"days": "Enter a whole number of days from 1 to 30."}


def test_o10_the_reason_is_optional_but_not_endless():
    with pytest.raises(FormInvalid) as refused:
        validate_ask(facts(), ALIEXPRESS, IN_TRANSIT, is_buyer=True, days="5", reason="x" * 1001)
    assert set(refused.value.errors) == {"reason"}
    assert validate_ask(facts(), ALIEXPRESS, IN_TRANSIT, is_buyer=True, days="5", reason=None).reason == ""


# O11: the limits over an order's life, and who answers --------------------------------------------

LEFT = [
    ("never extended", 0, 0, 30),
    ("one grant of 30", 1, 30, 30),
    ("two grants, 75 days", 2, 75, 15),
    ("three grants", 3, 45, 0),
    ("total used", 2, 90, 0),
]


@pytest.mark.parametrize(("grants", "granted", "left"), [c[1:] for c in LEFT], ids=[c[0] for c in LEFT])
def test_o11_what_one_more_grant_may_add_is_the_smaller_of_the_per_request_and_the_total_left(
    grants: int, granted: int, left: int
):
    assert days_left(facts(grants=grants, granted_days=granted), ALIEXPRESS) == left


def test_o11_a_request_beyond_the_total_left_is_refused_naming_what_is_left():
    with pytest.raises(FormInvalid) as refused:
        validate_ask(
            facts(grants=2, granted_days=75), ALIEXPRESS, IN_TRANSIT, is_buyer=True, days="20", reason=""
        )
    assert refused.value.errors["days"] == "Enter a whole number of days from 1 to 15."


def test_o11_a_policy_sets_its_own_limits():
    strict = Policy.from_mapping(
        {
            "name": "strict",
            "title": "Strict",
            "protection_extension_max_days": 5,
            "protection_extensions_max": 1,
        }
    )
    assert days_left(facts(), strict) == 5
    assert days_left(facts(grants=1, granted_days=5), strict) == 0
    assert days_left(facts(), DHGATE) == 30


ANSWER_REFUSED = [
    ("nothing waits", {"request_waiting": False}, IN_TRANSIT, "O11", "No request"),
    ("protection ended meanwhile", {"request_waiting": True}, PROTECTION_ENDS, "O11", "can no longer"),
    (
        "received meanwhile",
        {"request_waiting": True, "order_receipt_confirmed_at": IN_TRANSIT},
        IN_TRANSIT,
        "O11",
        "no longer in transit",
    ),
    (
        "a dispute opened meanwhile",
        {"request_waiting": True, "has_open_dispute": True},
        IN_TRANSIT,
        "O11",
        "open dispute",
    ),
]


@pytest.mark.parametrize(
    ("overrides", "now", "rule", "words"),
    [case[1:] for case in ANSWER_REFUSED],
    ids=[case[0] for case in ANSWER_REFUSED],
)
def test_o11_the_seller_answers_only_a_waiting_request_while_still_in_transit(
    overrides: dict[str, Any], now: datetime, rule: str, words: str
):
    with pytest.raises(RuleViolation) as refused:
        check_can_answer(facts(**overrides), ALIEXPRESS, now, is_seller=True)
    assert (refused.value.rule, words in refused.value.message) == (rule, True)


def test_o11_only_the_seller_answers():
    with pytest.raises(NotPermitted) as refused:
        check_can_answer(facts(request_waiting=True), ALIEXPRESS, IN_TRANSIT, is_seller=False)
    assert refused.value.rule == "O11"


@pytest.mark.parametrize("raw", ["0", "31", "ten"])
def test_o11_the_seller_grants_whole_days_within_the_same_limit(raw: str):
    with pytest.raises(FormInvalid) as refused:
        validate_grant(facts(request_waiting=True), ALIEXPRESS, IN_TRANSIT, is_seller=True, days=raw)
    assert set(refused.value.errors) == {"days"}


# O12: a grant moves protection's end and the windows that hang on it ------------------------------


@pytest.mark.parametrize("granted", [1, 10, 30])
def test_o12_a_grant_moves_protection_and_the_opening_windows_by_the_days_granted(granted: int):
    before = facts(request_waiting=True)
    grant = validate_grant(before, ALIEXPRESS, IN_TRANSIT, is_seller=True, days=str(granted))
    assert (grant.days, grant.ends_before, grant.ends_after) == (
        granted,
        PROTECTION_ENDS,
        PROTECTION_ENDS + days(granted),
    )
    after = replace(before.order, protection_ends_at=grant.ends_after)
    assert opening_window(after, ALIEXPRESS)[1] == opening_window(before.order, ALIEXPRESS)[1] + days(granted)
    assert in_transit_reason_opens_at(after, PROTECTION_ENDS) == PROTECTION_ENDS + days(granted)
    assert in_transit_reason_opens_at(before.order, PROTECTION_ENDS) is None
