"""What the engine says when a rule refuses something."""

from __future__ import annotations


class RuleViolation(Exception):
    """An action the rules do not allow; carries the rule id and a sentence for a person."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message


class FormInvalid(Exception):
    """One or more fields are wrong; maps each field name to what is wrong with it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class NotPermitted(RuleViolation):
    """The action exists in this state, but not for this actor (a seller trying a buyer's action)."""
