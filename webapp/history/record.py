"""Write a history event (H1) into its dispute's hash chain and notify everyone else involved (H2)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Unpack

from webapp.history.append import Happened, append_to_chain
from webapp.history.chain import seal
from webapp.history.models import Event


def record(
    dispute_id: int,
    people: Iterable[int],
    **happened: Unpack[Happened],
) -> Event:
    """Append an event to the dispute's history and notify `people` other than whoever acted.

    The caller holds the dispute's row lock (the pipeline takes it first), so the chain is linear.
    """
    return append_to_chain(Event, "dispute_id", seal, "event_id", dispute_id, people, **happened)
