"""A long dispute's page against a short one's: 1,000 messages, 1,000 events and 50 evidence items
against 5 of each, for a party and for the mediator, through the whole request path; and, to tell
the thread from the locker, the same long thread and history with 5 items.

Run: .venv/bin/python -m benchmarks.long_dispute
Both pages are requested the same way, outside any app context, in turns within each round, so
load elsewhere on the machine hits both alike. The target (issue 12) is a ratio of at most 1.2.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from benchmarks.dispute_data import EMAILS, PASSWORD, add_people, bench_app, escalate, make_dispute
from benchmarks.dispute_page import count_statements
from dispute_engine import Action
from webapp.accounts.models import Role
from webapp.core.extensions import db
from webapp.disputes.pipeline import perform
from webapp.mediation.services import take_case

# messages, events, evidence items
SIZES = {"long": (1000, 1000, 50), "long thread": (1000, 1000, 5), "short": (5, 5, 5)}
LINES = {
    "long": "1,000 messages, 1,000 events, 50 items vs 5 of each",
    "long thread": "1,000 messages, 1,000 events, 5 items vs 5 of each",
}
ROUNDS = 30
TARGET = 1.2


def paired_medians(long: Callable[[], object], short: Callable[[], object]) -> tuple[float, float]:
    """Median seconds of each call, taking turns within each round after one warm-up each."""
    long(), short()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(ROUNDS):
        for fn, into in ((long, times[0]), (short, times[1])):
            start = time.perf_counter()
            fn()
            into.append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1])


def logged_in(client: FlaskClient, role: Role) -> FlaskClient:
    """The client, logged in as the benchmark's person of `role`."""
    response = client.post("/login", data={"email": EMAILS[role], "password": PASSWORD})
    assert response.status_code == 303, "could not log in"
    return client


def run() -> list[dict[str, Any]]:
    """Rows of the long dispute's page time against the short one's, per viewer (and thread alone)."""
    folder = Path(tempfile.mkdtemp(prefix="long-dispute-"))
    app = bench_app(folder, JOBS="eager")
    now = datetime.now(UTC)
    opened, rejected = now - timedelta(days=9), now - timedelta(days=8)
    with app.app_context():
        people = add_people()
        ids = {}
        for name, (messages, events, evidence) in SIZES.items():
            number = f"L-{len(ids)}"
            ids[name] = make_dispute(
                people, number, now, messages=messages, events=events, evidence=evidence, opened=opened
            )
            escalate(ids[name], people, rejected)
            perform(people.get(Role.MEDIATOR), ids[name], Action.TAKE_CASE, now, take_case)
            db.session.commit()
    cases = [(Role.BUYER, "long"), (Role.BUYER, "long thread"), (Role.MEDIATOR, "long")]
    return [
        measure(app, role, f"/disputes/{ids[name]}", f"/disputes/{ids['short']}", name)
        for role, name in cases
    ]


def measure(app: Flask, role: Role, long_page: str, short_page: str, name: str) -> dict[str, Any]:
    """The row of one viewer: the long page against the short one."""
    client = logged_in(app.test_client(), role)
    pages = {"long": long_page, "short": short_page}
    statements = {}
    for which, page in pages.items():
        assert client.get(page).status_code == 200, page
        statements[which] = count_statements(app, lambda page=page: client.get(page))
    long_s, short_s = paired_medians(lambda: client.get(long_page), lambda: client.get(short_page))
    return {
        "line": f"long dispute page ({role.value}): {LINES[name]}",
        "ours_s": long_s,
        "baseline_s": short_s,
        "ratio": long_s / short_s,
        "note": (
            f"target <= {TARGET}x; SQL statements {statements['long']} vs {statements['short']}; "
            f"median of {ROUNDS} in turns"
        ),
    }


def main() -> None:
    """Print the rows."""
    for row in run():
        ours, baseline = row["ours_s"] * 1000, row["baseline_s"] * 1000
        print(f"{row['line']}: {row['ratio']:.2f}x ({ours:.1f} ms vs {baseline:.1f} ms)")
        print(f"  {row['note']}")


if __name__ == "__main__":
    main()
