"""How the dispute page's cost grows with its thread and history, as ratios to the login page.

Run: .venv/bin/python -m benchmarks.dispute_page
Absolute timings on shared machines are noise; ratios to a baseline measured in the same process
are not. The SQL statement count is exact and should not grow with the dispute's size.
"""

from __future__ import annotations

import re
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from flask import Flask
from sqlalchemy import event

from dispute_engine import Actor
from webapp import create_app
from webapp.accounts.models import Role, User
from webapp.core.extensions import db
from webapp.disputes.models import Message
from webapp.disputes.opening import open_dispute
from webapp.history.record import record
from webapp.marketplaces.models import demo_marketplace
from webapp.orders.models import Order

SIZES = (2, 100, 500)
ROUNDS = 15


def best_of(fn: Callable[[], object], rounds: int = ROUNDS) -> float:
    """Median seconds of `rounds` calls after one warm-up."""
    fn()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


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


def make_dispute(buyer: User, seller: User, number: str, messages: int, now: datetime) -> int:
    """An open, not-received dispute with `messages` thread messages and as many history events."""
    order = Order(
        marketplace_id=buyer.marketplace_id,
        number=number,
        buyer_id=buyer.id,
        seller_id=seller.id,
        item_title="Lamp",
        item_price=Decimal("40.00"),
        shipping_cost=Decimal("5.00"),
        currency="USD",
        paid_at=now - timedelta(days=30),
        dispatched_at=now - timedelta(days=28),
        protection_ends_at=now + timedelta(days=10),
        policy="aliexpress",
    )
    db.session.add(order)
    db.session.flush()
    form = {
        "received": "no",
        "reason": "no_tracking",
        "resolution": "refund_only",
        "amount": "10",
        "description": "Never came",
    }
    dispute = open_dispute(buyer, order.id, form, now=now)
    for n in range(messages):
        db.session.add(
            Message(
                dispute_id=dispute.id,
                author_id=buyer.id,
                party=Actor.BUYER,
                body=f"Message {n} " * 8,
                created_at=now,
            )
        )
        record(
            dispute.id, [], actor=Actor.BUYER, user=buyer, action="message", summary=f"Message {n}", at=now
        )
    db.session.commit()
    return dispute.id


def main() -> None:
    """Print the page's cost per thread size as a ratio to the login page, and its SQL count."""
    folder = Path(tempfile.mkdtemp())
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
            "MEDIA_ROOT": str(folder / "media"),
            "WTF_CSRF_ENABLED": False,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    with app.app_context():
        db.create_all()
        market = demo_marketplace().id
        buyer = User(marketplace_id=market, email="b@example.com", name="B", role=Role.BUYER)
        seller = User(marketplace_id=market, email="s@example.com", name="S", role=Role.SELLER)
        for user in (buyer, seller):
            user.set_password("benchmark")
            db.session.add(user)
        db.session.commit()
        now = datetime.now(UTC)
        ids = {size: make_dispute(buyer, seller, f"B-{size}", size, now) for size in SIZES}
    # Measured outside any app context: the baseline and every line take the same whole request
    # path (a context pushed around them made /login look 3.5 times cheaper than it is).
    client = app.test_client()
    client.post("/login", data={"email": "b@example.com", "password": "benchmark"})
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
