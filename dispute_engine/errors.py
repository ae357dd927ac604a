"""What the engine says when a rule refuses something (in English; see words.py for other languages)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .words import Words


class RuleViolation(Exception):
    """An action the rules do not allow; carries the rule id and a sentence for a person.

    `message` is the English sentence; `words` the same as a msgid with its named values, which
    the web edge says in the reader's language.
    """

    def __init__(self, rule: str, message: str, **params: Any) -> None:
        said = message if isinstance(message, Words) and not params else Words(message, **params)
        super().__init__(str(said))
        self.rule = rule
        self.words = said
        self.message = str(said)


class FormInvalid(Exception):
    """One or more fields are wrong; maps each field name to what is wrong with it (English)."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.words = {k: v if isinstance(v, Words) else Words(v) for k, v in errors.items()}
        self.errors = {k: str(v) for k, v in self.words.items()}
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


class NotPermitted(RuleViolation):
    """The action exists in this state, but not for this actor (a seller trying a buyer's action)."""
