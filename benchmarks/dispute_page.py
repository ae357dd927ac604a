"""How the dispute page's cost grows with its thread and history, as ratios to the login page.

Run: .venv/bin/python -m benchmarks.dispute_page
Absolute timings on shared machines are noise; ratios to a baseline measured in the same process
are not. The SQL statement count is exact and should not grow with the dispute's size.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask
from sqlalchemy import event

from benchmarks.dispute_data import EMAILS, PASSWORD, add_people, bench_app, make_dispute, median_time
from webapp.accounts.models import Role
from webapp.core.extensions import db

SIZES = (2, 100, 500)
ROUNDS = 15


def best_of(fn: Callable[[], object], rounds: int = ROUNDS) -> float:
    """Median seconds of `rounds` calls after one warm-up."""
    return median_time(fn, rounds)


def count_statements(app: Flask, fn: Callable[[], object]) -> int:
    """How many SQL statements one call runs."""
    statements: list[str] = []

    def listen(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listen)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    return len(statements)


def poll_url(page: str) -> str:
    """The page's poll, as htmx would call it."""
    found = re.search(r'id="dispute-poll" hx-get="([^"]+)"', page)
    assert found, "no poller on the page"
    return found.group(1).replace("&amp;", "&")


def main() -> None:
    """Print the page's cost per thread size as a ratio to the login page, and its SQL count."""
    folder = Path(tempfile.mkdtemp())
    app = bench_app(folder)
    with app.app_context():
        people = add_people()
        now = datetime.now(UTC)
        ids = {size: make_dispute(people, f"B-{size}", now, messages=size) for size in SIZES}
    # Measured outside any app context: the baseline and every line take the same whole request
    # path (a context pushed around them made /login look 3.5 times cheaper than it is).
    client = app.test_client()
    client.post("/login", data={"email": EMAILS[Role.BUYER], "password": PASSWORD})
    anonymous = app.test_client()
    baseline = best_of(lambda: anonymous.get("/login"))
    print(f"baseline: GET /login (the rendered form, logged out), median of {ROUNDS}")
    for size, dispute_id in ids.items():
        page = f"/disputes/{dispute_id}"
        assert client.get(page).status_code == 200, "not logged in?"
        statements = count_statements(app, lambda page=page: client.get(page))
        cost = best_of(lambda page=page: client.get(page))
        print(
            f"dispute page, {size:>3} messages + {size:>3} events: "
            f"{cost / baseline:5.1f}x the login page, {statements} SQL statements"
        )
        poll = poll_url(client.get(page).get_data(as_text=True))
        quiet = lambda poll=poll: client.get(poll, headers={"HX-Request": "true"})  # noqa: E731
        assert quiet().status_code == 204
        print(
            f"  its poll, nothing new:                {best_of(quiet) / baseline:5.1f}x the login page, "
            f"{count_statements(app, quiet)} SQL statements"
        )


if __name__ == "__main__":
    main()
