"""`flask disputes tick` from two processes at once acts on each due deadline exactly once (SKIP LOCKED)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter

import pytest
from dispute_world import World, ago, make_order
from sqlalchemy import select

from dispute_engine import Outcome
from webapp.core.extensions import db
from webapp.disputes.models import Dispute
from webapp.disputes.opening import open_dispute
from webapp.history.models import Event

DISPUTES = 60
NOT_RECEIVED = {
    "received": "no",
    "reason": "no_tracking",
    "resolution": "refund_only",
    "amount": "20",
    "description": "Never arrived.",
}


def run_tickers(count: int) -> list[subprocess.Popen[str]]:
    env = {**os.environ, "DATABASE_URL": os.environ["TEST_DATABASE_URL"]}
    command = [sys.executable, "-m", "flask", "--app", "webapp", "disputes", "tick"]
    return [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(count)
    ]


@pytest.mark.postgres
def test_s1_two_tickers_at_once_close_each_silent_sellers_dispute_exactly_once(world: World, make_user):
    for number in range(DISPUTES):
        order = make_order(world.buyer, world.seller, number=f"C-{number}")
        open_dispute(world.buyer, order.id, NOT_RECEIVED, now=ago(6))
    db.session.commit()

    tickers = run_tickers(2)
    outputs = [ticker.communicate(timeout=120) for ticker in tickers]
    assert all(t.returncode == 0 for t in tickers), outputs
    acted = [int(re.search(r"(\d+) deadline", out).group(1)) for out, _ in outputs]

    db.session.expire_all()
    closed = Counter(
        db.session.scalars(select(Event.dispute_id).where(Event.action == "closed", Event.rule == "S1"))
    )
    print("acted per ticker:", acted)
    assert sum(acted) == DISPUTES
    assert len(closed) == DISPUTES and set(closed.values()) == {1}
    outcomes = set(db.session.scalars(select(Dispute.outcome)))
    assert outcomes == {Outcome.SELLER_DID_NOT_RESPOND}
