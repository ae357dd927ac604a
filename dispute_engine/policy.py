"""Policies as data: each marketplace's numbers, loaded from TOML, run by the same engine."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

MEMBERSHIP_TIERS = ("regular", "bronze", "silver", "gold")


@dataclass(frozen=True)
class Policy:
    """One marketplace's dispute parameters; every number in the rules lives here."""

    name: str
    title: str
    open_after_dispatch_days: int = 10  # O2
    open_until_days_after_receipt: int = 15  # O3
    seller_response_days: int = 5  # S1
    negotiation_days: int = 7  # N1
    manual_escalation: bool = False  # N1: dhgate's Escalate button
    evidence_request_days: int = 3  # M2
    decision_answer_days: int = 4  # M4
    appeal_days: int = 7  # C3
    refund_due_days: int = 15  # F1
    return_ship_days: int = 10  # F2: the buyer ships the item back within this
    return_confirm_days: int = 15  # F2: the seller confirms arrival within this, or it is assumed
    reship_ship_days: int = 15  # F6: the seller ships the replacement within this, or refunds
    reship_delivery_days: int = 30  # C5: the new parcel's delivery window; then the buyer may reopen
    final_resolution_days: int = 15  # M8 (aliexpress: the platform's week of review)
    first_contact_business_days: Mapping[str, int] = field(default_factory=dict)  # M8, by tier
    mediator_reads_thread: bool = False  # N7
    buyer_warning_disputes: int = 3  # M7: this many disputes ...
    buyer_warning_window_days: int = 30  # ... within this many days is a warning sign
    refund_method: str = ""  # F1: where the refund goes, as the parties are told ("" if unknown)
    refund_arrival_min_business_days: int = 0  # F1: once paid, it reaches the buyer within these
    refund_arrival_max_business_days: int = 0  # business days (0: the marketplace does not say)
    protection_extension_max_days: int = 30  # O10, O11: days one request or grant may add
    protection_extensions_max: int = 3  # O11: grants an order may have in all
    protection_extension_total_days: int = 90  # O11: extra days an order may have in all
    reminder_lead_hours: tuple[int, ...] = (24, 2)  # remind a party this long before its deadline

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.type == "int":
                _check_days(self.name, f.name, value)
            if f.type == "bool" and not isinstance(value, bool):
                raise ValueError(f"policy {self.name!r}: {f.name} must be true or false")
        unknown = set(self.first_contact_business_days) - set(MEMBERSHIP_TIERS)
        if unknown:
            raise ValueError(f"policy {self.name!r}: unknown membership tiers {sorted(unknown)}")
        if not isinstance(self.refund_method, str):
            raise ValueError(f"policy {self.name!r}: refund_method must be text")
        if self.refund_arrival_min_business_days > self.refund_arrival_max_business_days:
            raise ValueError(f"policy {self.name!r}: refund_arrival_min_business_days is above the max")
        leads = self.reminder_lead_hours
        if not isinstance(leads, (list, tuple)):
            raise ValueError(f"policy {self.name!r}: reminder_lead_hours must be a list of hours")
        for hours in leads:
            _check_days(self.name, "reminder_lead_hours", hours)
        object.__setattr__(self, "reminder_lead_hours", tuple(leads))
        for tier, days in self.first_contact_business_days.items():
            _check_days(self.name, f"first_contact_business_days.{tier}", days)
        object.__setattr__(
            self, "first_contact_business_days", MappingProxyType(dict(self.first_contact_business_days))
        )

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Policy:
        """Build a policy from plain data, refusing keys the engine does not know."""
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown policy settings: {', '.join(sorted(unknown))}")
        if "name" not in data or "title" not in data:
            raise ValueError("a policy needs a name and a title")
        return cls(**dict(data))

    @classmethod
    def from_toml(cls, text: str) -> Policy:
        """Build a policy from the text of a TOML file."""
        return cls.from_mapping(tomllib.loads(text))


def _check_days(policy: str, setting: str, value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"policy {policy!r}: {setting} must be a whole number")
    if value < 0:
        raise ValueError(f"policy {policy!r}: {setting} must not be negative")


class PolicyRegistry:
    """The policies a deployment knows, by name."""

    def __init__(self, policies: Mapping[str, Policy] | None = None) -> None:
        self._policies: dict[str, Policy] = dict(policies or {})

    def add(self, policy: Policy) -> None:
        """Register a policy; a name is taken once."""
        if policy.name in self._policies:
            raise ValueError(f"policy {policy.name!r} is already registered")
        self._policies[policy.name] = policy

    def load_dir(self, directory: Path) -> None:
        """Register every `*.toml` policy file in a folder."""
        for path in sorted(directory.glob("*.toml")):
            self.add(Policy.from_toml(path.read_text(encoding="utf-8")))

    def get(self, name: str) -> Policy:
        """Return the policy called `name`, or raise KeyError with the known names."""
        try:
            return self._policies[name]
        except KeyError:
            raise KeyError(f"no policy {name!r}; known: {', '.join(self.names())}") from None

    def names(self) -> list[str]:
        """The registered policy names, sorted."""
        return sorted(self._policies)


def builtin_policies() -> PolicyRegistry:
    """A registry with the policies that ship with the engine (aliexpress, dhgate)."""
    registry = PolicyRegistry()
    for entry in resources.files("dispute_engine.policies").iterdir():
        if entry.name.endswith(".toml"):
            registry.add(Policy.from_toml(entry.read_text(encoding="utf-8")))
    return registry


DEFAULT_POLICY = "aliexpress"
