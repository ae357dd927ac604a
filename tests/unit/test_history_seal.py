"""The history seal is a contract (H1, O13): existing chains verify only while these digests hold."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from webapp.history.chain import canonical, seal, seal_order_event

# Pinned with the code as it was before the dispute and order encodings were merged into one.
DISPUTE_SEAL = "179290f15ba963a8f2c4a3d73ba828698a13ad472adf2debf02fe006aca4e3b3"
ORDER_SEAL = "d168e02bfce0f38919881928bf9a73c59abd4316e6bc8296e4f63d9cf064ad96"

EVENT: dict[str, Any] = {
    "sequence": 2,
    "at": datetime(2026, 3, 14, 15, 9, 26, 535897, tzinfo=timezone(timedelta(hours=3))),
    "actor_role": "seller",
    "actor_id": 7,
    "action": "reject_request",
    "summary": "Продавец отклонил запрос",
    "rule": "N3",
    "data": {"resolution": "refund_only", "amount": "10.00"},
    "prev_hash": "ab" * 32,
}


def test_h1_a_dispute_events_seal_is_unchanged() -> None:
    assert seal(dispute_id=41, **EVENT) == DISPUTE_SEAL


def test_o13_an_order_events_seal_is_unchanged() -> None:
    assert seal_order_event(order_id=41, **EVENT) == ORDER_SEAL


def test_h1_the_encoding_is_sorted_ascii_json_with_the_time_in_utc() -> None:
    assert canonical("dispute_id", 41, **EVENT) == (
        b'{"action":"reject_request","actor_id":7,"actor_role":"seller",'
        b'"at":"2026-03-14T12:09:26.535897+00:00","data":{"amount":"10.00","resolution":"refund_only"},'
        b'"dispute_id":41,"prev_hash":"' + b"ab" * 32 + b'","rule":"N3","sequence":2,'
        b'"summary":"\\u041f\\u0440\\u043e\\u0434\\u0430\\u0432\\u0435\\u0446 '
        b"\\u043e\\u0442\\u043a\\u043b\\u043e\\u043d\\u0438\\u043b "
        b'\\u0437\\u0430\\u043f\\u0440\\u043e\\u0441"}'
    )


def test_o13_an_order_event_differs_from_a_dispute_event_only_by_its_key() -> None:
    dispute = canonical("dispute_id", 41, **EVENT)
    assert canonical("order_id", 41, **EVENT) == dispute.replace(b'"dispute_id":41', b'"order_id":41')
