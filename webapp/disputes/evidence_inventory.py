"""The evidence a dispute holds right now, as the evidence feature describes it (for decision records).

Features beside evidence (mediation) may not import it; evidence registers the one function that
lists a dispute's items, and whoever needs the list asks here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from dispute_engine import Actor


@dataclass(frozen=True)
class EvidenceSeen:
    """One evidence item as it is at a moment: which file (SHA-256), whose, and whether it was removed."""

    item_id: int
    party: Actor
    kind: str
    name: str
    sha256: str
    removed: bool
    added_at: datetime


Inventory = Callable[[int], list[EvidenceSeen]]
_providers: list[Inventory] = []


def provides_inventory(function: Inventory) -> Inventory:
    """Register the function that lists a dispute's evidence items (the evidence feature's)."""
    if function not in _providers:
        _providers.append(function)
    return function


def evidence_inventory(dispute_id: int) -> list[EvidenceSeen]:
    """Every evidence item of the dispute now, removed ones included and marked, oldest first."""
    return [seen for provider in _providers for seen in provider(dispute_id)]
