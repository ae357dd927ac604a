"""The people and disputes of the load run, made through the real services in the shape's database.

Each buyer and seller pair shares two disputes in negotiation: on one the buyer acts (changes the
request, N6), on the other the seller does (changes its offer, N3), so no one's form goes stale
under someone else's click. Each mediator has an escalated dispute nobody holds yet.

Every account gets one cheap password hash (PBKDF2, 1,000 rounds, as the tests use). With the
app's scrypt, the 200 logins of the first 10 s took 2 cores for ~40 s and every page waited
behind them: real people's logins are spread over hours, and the run measures their stories.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from werkzeug.security import generate_password_hash

from dispute_engine import Action
from webapp import create_app
from webapp.accounts.models import Role, User
from webapp.core.clock import clock_now
from webapp.core.config import database_url
from webapp.core.extensions import db
from webapp.disputes import negotiation
from webapp.disputes.models import Dispute
from webapp.disputes.opening import open_dispute
from webapp.disputes.pipeline import perform, settle_due_deadlines
from webapp.marketplaces.models import demo_marketplace
from webapp.orders.models import Order

PASSWORD = "load-run-password"


@dataclass(frozen=True)
class Account:
    """Who a simulated person logs in as, and the dispute they work on."""

    email: str
    dispute: int


@dataclass(frozen=True)
class Plan:
    password: str
    buyers: list[Account]
    sellers: list[Account]
    mediators: list[Account]

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _person(email: str, role: Role, password_hash: str) -> User:
    user = User(marketplace_id=demo_marketplace().id, email=email, name=email.split("@")[0], role=role)
    user.password_hash = password_hash
    db.session.add(user)
    return user


def _order(number: str, buyer: User, seller: User, now: datetime) -> Order:
    order = Order(
        marketplace_id=buyer.marketplace_id,
        number=number,
        buyer_id=buyer.id,
        seller_id=seller.id,
        item_title="Desk lamp",
        item_price=Decimal("45.00"),
        shipping_cost=Decimal("4.50"),
        currency="USD",
        paid_at=now - timedelta(days=30),
        dispatched_at=now - timedelta(days=28),
        protection_ends_at=now + timedelta(days=20),
        policy="aliexpress",
    )
    db.session.add(order)
    db.session.flush()
    return order


def _negotiating(number: str, buyer: User, seller: User, opened: datetime) -> Dispute:
    """A not-received dispute the seller answered with an offer of 8.00 (S3): both may act now."""
    form = {
        "received": "no",
        "reason": "no_tracking",
        "resolution": "refund_only",
        "amount": "30.00",
        "description": "The tracking never moved.",
    }
    dispute = open_dispute(buyer, _order(number, buyer, seller, opened).id, form, now=opened)
    offer = {"resolution": "refund_only", "amount": "8.00", "comment": "Shipped on time."}
    perform(
        seller,
        dispute.id,
        Action.REJECT_REQUEST,
        opened + timedelta(hours=2),
        lambda ctx: negotiation.reject_request(ctx, offer),
    )
    return dispute


def seed(url: str, folder: Path, *, pairs: int, mediators: int, token: str) -> Plan:
    """Create the people and disputes in the database at `url`; return who works on what."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url(url, str(folder)),
            "MEDIA_ROOT": str(folder / "media"),
            "S3_BUCKET": "",
            "JOBS": "eager",
        }
    )
    with app.app_context():
        now = clock_now(db.session)
        hashed = User(email="x@example.com", name="x", role=Role.BUYER)
        hashed.password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        buyers, sellers, escalated = [], [], []
        people = []
        for n in range(pairs):
            buyer = _person(f"load-{token}-buyer-{n}@example.com", Role.BUYER, hashed.password_hash)
            seller = _person(f"load-{token}-seller-{n}@example.com", Role.SELLER, hashed.password_hash)
            people.append((buyer, seller))
        watchers = [
            _person(f"load-{token}-mediator-{n}@example.com", Role.MEDIATOR, hashed.password_hash)
            for n in range(mediators)
        ]
        db.session.flush()
        for n, (buyer, seller) in enumerate(people):
            mine = _negotiating(f"L{token}-{n}-B", buyer, seller, now - timedelta(days=2))
            theirs = _negotiating(f"L{token}-{n}-S", buyer, seller, now - timedelta(days=2))
            buyers.append(Account(buyer.email, mine.id))
            sellers.append(Account(seller.email, theirs.id))
        for n, mediator in enumerate(watchers):
            buyer, seller = people[n % len(people)]
            dispute = _negotiating(f"L{token}-{n}-M", buyer, seller, now - timedelta(days=9))
            settle_due_deadlines(dispute, now)  # seven days without agreement: escalated (N1)
            escalated.append(Account(mediator.email, dispute.id))
        db.session.commit()
        db.engine.dispose()
    return Plan(PASSWORD, buyers, sellers, escalated)
