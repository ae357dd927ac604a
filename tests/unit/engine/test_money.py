"""Exact money: what a person types becomes a Decimal within the order's bounds, or a reason (O7, F3)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dispute_engine import format_money, parse_amount, smallest_amount

TOTAL = Decimal("50.00")


def refusal(text: object, currency: str = "USD", maximum: Decimal = TOTAL, **options: bool) -> str:
    with pytest.raises(ValueError) as refused:
        parse_amount(text, currency, maximum, **options)
    return str(refused.value)


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("45", Decimal("45")),
        ("45.5", Decimal("45.5")),
        ("45.50", Decimal("45.50")),
        ("45,50", Decimal("45.50")),
        (" 45.50 ", Decimal("45.50")),
        ("0.01", Decimal("0.01")),
        ("50", Decimal("50")),
        (Decimal("12.30"), Decimal("12.30")),
        (12, Decimal("12")),
    ],
)
def test_o7_an_amount_a_person_typed_becomes_an_exact_decimal(typed, amount):
    parsed = parse_amount(typed, "USD", TOTAL)
    assert isinstance(parsed, Decimal)
    assert parsed == amount
    assert parsed.as_tuple().exponent == -2  # always in cents, never a binary fraction


def test_o7_a_comma_is_read_as_the_decimal_mark():
    assert str(parse_amount("45,5", "USD", TOTAL)) == "45.50"


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("0", "The amount must be at least 0.01 USD."),
        ("0.00", "The amount must be at least 0.01 USD."),
        ("-1", "Enter the amount as a number, for example 12.50."),
        ("+1", "Enter the amount as a number, for example 12.50."),
        ("0.001", "USD amounts have at most 2 decimals."),
        ("45.555", "USD amounts have at most 2 decimals."),
        ("1e3", "Enter the amount as a number, for example 12.50."),
        ("abc", "Enter the amount as a number, for example 12.50."),
        ("NaN", "Enter the amount as a number, for example 12.50."),
        ("Infinity", "Enter the amount as a number, for example 12.50."),
        ("1.2.3", "Enter the amount as a number, for example 12.50."),
        ("1,000.00", "Enter the amount as a number, for example 12.50."),
        (".", "Enter the amount as a number, for example 12.50."),
        ("", "Enter an amount."),
        ("   ", "Enter an amount."),
        (None, "Enter an amount."),
        ("50.01", "The amount cannot be more than the order total, 50.00 USD."),
        ("1000", "The amount cannot be more than the order total, 50.00 USD."),
    ],
)
def test_o7_a_wrong_amount_is_refused_with_a_readable_reason(typed, says):
    assert refusal(typed) == says


def test_o7_a_float_is_refused_because_money_is_never_float():
    assert refusal(45.5) == "Amounts are exact decimals; a float was given."


def test_o7_the_smallest_amount_is_one_minor_unit():
    assert smallest_amount("USD") == Decimal("0.01")
    assert smallest_amount("EUR") == Decimal("0.01")
    assert smallest_amount("JPY") == Decimal("1")


def test_o7_yen_have_no_decimals():
    assert parse_amount("4500", "JPY", Decimal("5000")) == Decimal("4500")
    assert refusal("4500.5", "JPY", Decimal("5000")) == "JPY amounts have at most 0 decimals."
    assert refusal("0", "jpy", Decimal("5000")) == "The amount must be at least 1 JPY."


def test_o7_format_money_shows_the_currencys_decimals():
    assert format_money(Decimal("45.5"), "usd") == "45.50 USD"
    assert format_money(Decimal("1234.5"), "USD") == "1,234.50 USD"
    assert format_money(Decimal("4500"), "JPY") == "4,500 JPY"


def test_f3_a_refund_never_exceeds_the_order_total():
    assert parse_amount("50.00", "USD", TOTAL) == TOTAL
    assert "more than the order total" in refusal("50.01")
    assert "more than the order total" in refusal("50.01", allow_zero=True)


def test_m4_a_mediators_solution_may_grant_nothing_but_never_a_negative_amount():
    assert parse_amount("0", "USD", TOTAL, allow_zero=True) == Decimal("0")
    assert refusal("-0.01", allow_zero=True) == "Enter the amount as a number, for example 12.50."
