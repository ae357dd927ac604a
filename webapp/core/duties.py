"""What the clock does every minute, registered by the features that own the work.

Deadlines acting, emails going out, evidence jobs swept up: the clock process (`flask disputes
tick --every 60`) and the embedded default's clock thread run every duty in turn, each in its
own try, so one failing duty never stops the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

log = logging.getLogger(__name__)

DutyFunction = Callable[[], int]
F = TypeVar("F", bound=Callable[..., int])


@dataclass(frozen=True)
class Duty:
    """One piece of periodic work: its order, what its count means, and the function."""

    order: int
    done: str  # "deadline(s) acted": read after the count the function returns
    function: DutyFunction


_duties: dict[str, Duty] = {}


def every_minute(order: int, done: str) -> Callable[[F], F]:
    """Register the decorated function (callable without arguments, returns a count) for every tick."""

    def register(function: F) -> F:
        _duties[f"{function.__module__}.{function.__qualname__}"] = Duty(order, done, function)
        return function

    return register


def duties() -> list[Duty]:
    """The registered duties, in their order."""
    return sorted(_duties.values(), key=lambda duty: duty.order)


def run_duties() -> list[str]:
    """Run every duty once, in order (inside an app context); say what each did."""
    said = []
    for duty in duties():
        try:
            said.append(f"{duty.function()} {duty.done}")
        except Exception:  # the clock must survive a bad minute; the next tick retries
            log.exception("%s failed", duty.done)
            said.append(f"? {duty.done} (failed; see the log)")
    return said
