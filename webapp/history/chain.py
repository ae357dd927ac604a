"""The history's hash chain: every event is sealed with SHA-256 over its content and the previous seal.

Changing, removing or reordering an event breaks every seal after it, so `flask audit verify` finds
the first broken link. The encoding is a contract: the migration that back-filled existing events
uses these functions, so changing them means re-sealing every chain in a migration.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any, Literal

GENESIS = "0" * 64  # the "previous seal" of a chain's first event

# The field naming whose chain an event belongs to: a dispute's (H1) or an order's own (O13).
ChainKey = Literal["dispute_id", "order_id"]


def canonical(
    key: ChainKey,
    owner_id: int,
    *,
    sequence: int,
    at: datetime,
    actor_role: str,
    actor_id: int | None,
    action: str,
    summary: str,
    rule: str | None,
    data: dict[str, Any],
    prev_hash: str,
) -> bytes:
    """The event as bytes: JSON, sorted keys, no spaces, ASCII only, the time in UTC to the microsecond."""
    fields = {
        key: owner_id,
        "sequence": sequence,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_role": actor_role,
        "actor_id": actor_id,
        "action": action,
        "summary": summary,
        "rule": rule,
        "data": data,
        "prev_hash": prev_hash,
    }
    return json.dumps(
        fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    ).encode()


def seal(*, dispute_id: int, **fields: Any) -> str:
    """The SHA-256 (hex) of a dispute's event; takes the keywords of `canonical` after the key."""
    return hashlib.sha256(canonical("dispute_id", dispute_id, **fields)).hexdigest()


def seal_order_event(*, order_id: int, **fields: Any) -> str:
    """The seal of an order's event: the same encoding as a dispute's, keyed by the order."""
    return hashlib.sha256(canonical("order_id", order_id, **fields)).hexdigest()
