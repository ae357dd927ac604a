"""Sentences for people, kept translatable: a msgid and named values, English when read as a string.

The engine knows no language machinery. `N_` marks a sentence for extraction (`pybabel extract
-k N_`); `Words` is that sentence with its values. A `Words` *is* its English `str`, so code and
tests that read English keep working; the web edge (webapp/core/words.py) looks up the msgid in the
reader's language and formats each value there (money, dates, nested words) before substituting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sentences import N_, Sentence

__all__ = ["N_", "Amount", "Clause", "Moment", "Words", "from_json", "join", "lower_first", "to_json"]


@dataclass(frozen=True)
class Amount:
    """Money inside a sentence: said `45.00 USD` in English, in the reader's own digits elsewhere."""

    amount: Decimal
    currency: str

    def __str__(self) -> str:
        from .money import format_money  # money's own refusals are Words: import it when used

        return format_money(self.amount, self.currency)


@dataclass(frozen=True)
class Moment:
    """A date and time inside a sentence (UTC; the sentence says so): `04 December 2026, 10:00`."""

    at: datetime
    with_time: bool = True

    def __str__(self) -> str:
        return f"{self.at:%d %B %Y, %H:%M}" if self.with_time else f"{self.at:%d %B %Y}"


@dataclass(frozen=True)
class Clause:
    """A sentence used as the second half of another: its first letter lowered (`Solution 2: enter ...`)."""

    text: str

    def __str__(self) -> str:
        return lower_first(self.text)


def lower_first(text: str) -> str:
    """`Enter an amount.` as `enter an amount.`, but `USD amounts ...` as it is."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


class Words(Sentence):
    """The engine's sentences (and the app's): a Sentence that `to_json` can keep with a history line."""


def join(separator: str, texts: list[str]) -> str:
    """Several texts as one, `separator` between them, each still translatable on its own."""
    if len(texts) == 1:
        return texts[0]
    names = [f"s{i}" for i in range(len(texts))]
    return Words(separator.join(f"%({name})s" for name in names), **dict(zip(names, texts, strict=True)))


def to_json(said: Words) -> dict[str, Any]:
    """`said` as JSON (to keep with a history line): its msgid and each value, tagged by kind."""
    return {"msgid": said.msgid, "params": {name: _value_to_json(v) for name, v in said.params.items()}}


def from_json(kept: dict[str, Any]) -> Words:
    """The Words `to_json` kept."""
    return Words(kept["msgid"], **{name: _value_from_json(v) for name, v in kept["params"].items()})


def _value_to_json(value: Any) -> Any:
    if isinstance(value, Words):
        return {"words": to_json(value)}
    if isinstance(value, Amount):
        return {"amount": str(value.amount), "currency": value.currency}
    if isinstance(value, Moment):
        return {"moment": value.at.isoformat(), "with_time": value.with_time}
    if isinstance(value, Clause):
        return {"clause": _value_to_json(value.text)}
    if isinstance(value, int | str):
        return str(value) if isinstance(value, str) else value
    return str(value)


def _value_from_json(kept: Any) -> Any:
    if not isinstance(kept, dict):
        return kept
    if "words" in kept:
        return from_json(kept["words"])
    if "amount" in kept:
        return Amount(Decimal(kept["amount"]), kept["currency"])
    if "moment" in kept:
        return Moment(datetime.fromisoformat(kept["moment"]), kept["with_time"])
    return Clause(_value_from_json(kept["clause"]))
