"""Set-up shared by the benchmarks: an app on a fresh SQLite file, its people, disputes of any size.

Everything goes through the real services (opening, the history's chain), except evidence rows,
which are added READY with no stored files: a page shows their cards without reading the files.
"""

from __future__ import annotations

import logging
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask import Flask

from dispute_engine import Action, Actor
from webapp import create_app
from webapp.accounts.models import Role, User
from webapp.core.extensions import db
from webapp.disputes import negotiation
from webapp.disputes.models import Message
from webapp.disputes.opening import open_dispute
from webapp.disputes.pipeline import perform
from webapp.disputes.ticking import tick
from webapp.evidence.models import EvidenceItem, EvidenceKind, ProcessingStatus
from webapp.history.record import record
from webapp.marketplaces.models import demo_marketplace
from webapp.orders.models import Order

PASSWORD = "benchmark"
EMAILS = {Role.BUYER: "b@example.com", Role.SELLER: "s@example.com", Role.MEDIATOR: "m@example.com"}


def median_time(fn: Callable[[], object], rounds: int, *, warm_up: bool = True) -> float:
    """Median seconds of `rounds` calls, after one warm-up call unless told otherwise."""
    if warm_up:
        fn()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def app_config(folder: Path) -> dict[str, Any]:
    """Settings of a benchmark app: its own SQLite file and media folder, no CSRF, cheap hashes."""
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
        "MEDIA_ROOT": str(folder / "media"),
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }


def bench_app(folder: Path, **config: Any) -> Flask:
    """An app on a fresh database in `folder`, tables made; no log line per request."""
    app = create_app({**app_config(folder), **config})
    logging.getLogger("webapp.requests").setLevel(logging.WARNING)  # set to INFO by create_app
    with app.app_context():
        db.create_all()
    return app


@dataclass(frozen=True)
class People:
    """The buyer, seller and mediator of the benchmark disputes (ids: objects die with their session)."""

    buyer: int
    seller: int
    mediator: int

    def get(self, role: Role) -> User:
        """The user of one role, in the current session."""
        ids = {Role.BUYER: self.buyer, Role.SELLER: self.seller}
        return db.session.get_one(User, ids.get(role, self.mediator))


def add_people() -> People:
    """Add the three people (password PASSWORD) and commit; call inside an app context."""
    market = demo_marketplace().id
    users = {
        role: User(marketplace_id=market, email=email, name=role.value.title(), role=role)
        for role, email in EMAILS.items()
    }
    for user in users.values():
        user.set_password(PASSWORD)
        db.session.add(user)
    db.session.commit()
    return People(users[Role.BUYER].id, users[Role.SELLER].id, users[Role.MEDIATOR].id)


def make_dispute(
    people: People,
    number: str,
    now: datetime,
    *,
    messages: int = 0,
    events: int | None = None,
    evidence: int = 0,
    opened: datetime | None = None,
) -> int:
    """An open not-received dispute with `messages` thread messages, `events` more history events
    (as many as messages unless given) and `evidence` READY photo and video cards, both parties'."""
    buyer, seller = people.get(Role.BUYER), people.get(Role.SELLER)
    order = Order(
        marketplace_id=buyer.marketplace_id,
        number=number,
        buyer_id=buyer.id,
        seller_id=seller.id,
        item_title="Lamp",
        item_price=Decimal("40.00"),
        shipping_cost=Decimal("5.00"),
        currency="USD",
        paid_at=(opened or now) - timedelta(days=30),
        dispatched_at=(opened or now) - timedelta(days=28),
        protection_ends_at=(opened or now) + timedelta(days=10),
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
    dispute = open_dispute(buyer, order.id, form, now=opened or now)
    for n in range(messages):
        author = buyer if n % 2 == 0 else seller
        party = Actor.BUYER if n % 2 == 0 else Actor.SELLER
        body = f"Message {n} " * 8
        message = Message(dispute_id=dispute.id, author_id=author.id, party=party, body=body, created_at=now)
        db.session.add(message)
    for n in range(messages if events is None else events):
        summary = f"Message {n}"
        record(dispute.id, [], actor=Actor.BUYER, user=buyer, action="message", summary=summary, at=now)
    for n in range(evidence):
        add_ready_item(dispute.id, buyer if n % 2 == 0 else seller, n, now)
    db.session.commit()
    return dispute.id


def add_ready_item(dispute_id: int, uploader: User, n: int, now: datetime) -> None:
    """A processed photo (or every fifth, a video) row, as the locker shows it."""
    video = n % 5 == 4
    item_uuid = uuid.uuid4().hex
    db.session.add(
        EvidenceItem(
            uuid=item_uuid,
            dispute_id=dispute_id,
            uploader_id=uploader.id,
            party=Actor.BUYER if uploader.role is Role.BUYER else Actor.SELLER,
            kind=EvidenceKind.VIDEO if video else EvidenceKind.PHOTO,
            original_name=f"evidence-{n}.{'mp4' if video else 'jpg'}",
            content_type="video/mp4" if video else "image/jpeg",
            size=2_000_000,
            sha256=(item_uuid * 2)[:64],
            width=1600,
            height=1200,
            duration_ms=12_000 if video else None,
            storage_key=f"disputes/{dispute_id}/{item_uuid}/original",
            status=ProcessingStatus.READY,
            progress=100,
            created_at=now,
        )
    )


def escalate(dispute_id: int, people: People, rejected: datetime) -> None:
    """The seller rejects the request at `rejected` (8+ days ago) and the clock escalates it (N1)."""
    seller = people.get(Role.SELLER)
    perform(seller, dispute_id, Action.REJECT_REQUEST, rejected, lambda c: negotiation.reject_request(c, {}))
    db.session.commit()
    tick()
