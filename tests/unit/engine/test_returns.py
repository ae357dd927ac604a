"""F4, F5: who pays the return postage, and the seller's local return address."""

from __future__ import annotations

import pytest

from dispute_engine import Actor, FormInvalid
from dispute_engine.reasons import REASONS, Reason
from dispute_engine.returns import POSTAGE_PAYER, return_postage, validate_return_address


@pytest.mark.parametrize(
    ("reason", "payer", "words"),
    [
        (Reason.NOT_AS_DESCRIBED, Actor.SELLER, "not as described"),
        (Reason.QUALITY_PROBLEM, Actor.SELLER, "does not work"),
        (Reason.DAMAGED_IN_TRANSIT, Actor.SELLER, "damaged"),
        (Reason.QUANTITY_MISMATCH, Actor.SELLER, "wrong quantity"),
        (Reason.COUNTERFEIT, Actor.SELLER, "counterfeit"),
        (Reason.MISSING_PARTS, Actor.SELLER, "missing"),
    ],
)
def test_f4_the_seller_at_fault_pays_the_return_postage(reason: Reason, payer: Actor, words: str) -> None:
    postage = return_postage(reason)
    assert postage.payer is payer
    assert postage.rule == "F4"
    assert words in postage.why and postage.why.startswith("The seller pays")


def test_f4_every_reason_has_a_payer() -> None:
    assert set(POSTAGE_PAYER) == set(REASONS)


def test_f4_a_reason_of_the_buyers_own_makes_the_buyer_pay(monkeypatch: pytest.MonkeyPatch) -> None:
    from dispute_engine import returns

    monkeypatch.setitem(returns._BUYER_OWN, Reason.COUNTERFEIT, "the buyer changed their mind")
    monkeypatch.setitem(returns.POSTAGE_PAYER, Reason.COUNTERFEIT, Actor.BUYER)
    postage = return_postage(Reason.COUNTERFEIT)
    assert postage.payer is Actor.BUYER
    assert postage.why == "The buyer pays the return postage: the buyer changed their mind."


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Li Wei\n12 Garden Road\nMoscow 101000", "Li Wei\n12 Garden Road\nMoscow 101000"),
        (
            "  Li Wei \r\n\r\n12 Garden Road\r\nMoscow 101000\r\nRussia  ",
            "Li Wei\n12 Garden Road\nMoscow 101000\nRussia",
        ),
    ],
)
def test_f5_a_local_return_address_keeps_one_trimmed_line_per_part(typed: str, kept: str) -> None:
    assert validate_return_address(typed) == kept


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "Enter the return address"),
        ("   \n  ", "Enter the return address"),
        ("Li Wei\nMoscow", "at least 3 lines"),
        ("\n".join(f"line {i}" for i in range(9)), "at most 8 lines"),
        ("Li Wei\n" + "x" * 121 + "\nMoscow", "at most 120 characters"),
    ],
)
def test_f5_a_return_address_without_its_lines_is_refused_in_words(typed: str, says: str) -> None:
    with pytest.raises(FormInvalid) as refused:
        validate_return_address(typed)
    assert says in refused.value.errors["return_address"]
