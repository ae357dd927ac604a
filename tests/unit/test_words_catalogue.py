"""Issue 11 item 17: the sentences that come from Python stay English by default, carry a msgid and
named values, and every marked one has a Russian translation with the same placeholders."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from dispute_engine import Resolution, RuleViolation, check_proposal_slot, parse_amount
from dispute_engine.words import Amount, Clause, Moment, Words, from_json, to_json

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "webapp" / "translations" / "ru" / "LC_MESSAGES" / "messages.po"
# The keywords babel.cfg's command passes, and the ones flask_babel installs for Python.
KEYWORDS = {"N_": None, "_": None, "gettext": None, "lazy_gettext": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def marked_in_python() -> dict[object, str]:
    """Every msgid marked in dispute_engine, media and webapp Python, with where it is."""
    found: dict[object, str] = {}
    for package in ("dispute_engine", "media", "webapp"):
        for filename, lineno, message, _comments, _context in extract_from_dir(
            ROOT / package, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            found.setdefault(message, f"{package}/{filename}:{lineno}")
    return found


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def test_an_engine_refusal_is_english_and_carries_its_msgid_and_values_n2() -> None:
    with pytest.raises(RuleViolation) as refused:
        check_proposal_slot([Resolution.REFUND_ONLY], Resolution.REFUND_ONLY)
    error = refused.value
    assert error.rule == "N2"
    assert (
        error.message
        == str(error)
        == ("You already have a live Refund only proposal: change it instead of adding another.")
    )
    assert error.words.msgid == (
        "You already have a live %(resolution)s proposal: change it instead of adding another."
    )
    assert error.words.params["resolution"].msgid == "Refund only"


def test_a_stale_proposal_refusal_is_english_with_its_msgid_n3() -> None:
    with pytest.raises(RuleViolation) as refused:
        check_proposal_slot([], Resolution.REFUND_ONLY, replacing=Resolution.REFUND_ONLY)
    assert refused.value.rule == "N3"
    assert (
        refused.value.message
        == refused.value.words.msgid
        == "That proposal is no longer live; reload the page."
    )


def test_a_bad_amount_keeps_the_money_as_a_value_to_format_in_the_readers_language_o7() -> None:
    with pytest.raises(ValueError) as refused:
        parse_amount("999", "USD", Decimal("50"))
    said = refused.value.args[0]
    assert str(refused.value) == "The amount cannot be more than the order total, 50.00 USD."
    assert isinstance(said, Words) and said.params == {"total": Amount(Decimal("50"), "USD")}


def test_words_are_the_english_sentence_with_their_values() -> None:
    at = datetime(2026, 12, 4, 9, 5, tzinfo=UTC)
    said = Words(
        "Due by %(when)s UTC (%(amount)s).", when=Moment(at), amount=Amount(Decimal("1234.5"), "EUR")
    )
    assert said == "Due by 04 December 2026, 09:05 UTC (1,234.50 EUR)."


def test_every_sentence_marked_in_python_has_a_russian_translation_with_the_same_placeholders() -> None:
    with CATALOGUE.open("rb") as po:
        russian = read_po(po, locale="ru")
    marked = marked_in_python()
    assert len(marked) > 200  # the extraction really ran over the engine and the app
    untranslated, mismatched = [], []
    for msgid, where in marked.items():
        entry = russian.get(msgid)
        strings = entry.string if entry is not None else ""
        translations = list(strings) if isinstance(strings, tuple) else [strings]
        if not all(translations):
            untranslated.append(f"{where}: {msgid!r}")
            continue
        english = msgid if isinstance(msgid, str) else msgid[-1]
        if any(placeholders(t) != placeholders(english) for t in translations):
            mismatched.append(f"{where}: {msgid!r}")
    assert untranslated == [], "no Russian for:\n" + "\n".join(untranslated)
    assert mismatched == [], "placeholders differ for:\n" + "\n".join(mismatched)


def test_words_kept_as_json_come_back_the_same() -> None:
    at = datetime(2026, 12, 4, 9, 5, tzinfo=UTC)
    said = Words(
        "%(who)s: %(what)s by %(when)s (%(amount)s, %(count)s).",
        who=Words("The buyer"),
        what=Clause(Words("Enter an amount.")),
        when=Moment(at, with_time=False),
        amount=Amount(Decimal("12.50"), "USD"),
        count=2,
    )
    kept = json.loads(json.dumps(to_json(said)))
    again = from_json(kept)
    assert again == said == "The buyer: enter an amount. by 04 December 2026 (12.50 USD, 2)."
    assert again.params["who"].msgid == "The buyer" and again.params["amount"] == Amount(
        Decimal("12.50"), "USD"
    )
