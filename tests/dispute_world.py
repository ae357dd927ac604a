"""A small world for dispute tests: people, an order, and named steps that drive the real services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from dispute_engine import Action, Actor
from webapp.accounts.models import User
from webapp.core.clock import real_now
from webapp.core.extensions import db
from webapp.demo import demo_photo
from webapp.disputes.models import Dispute
from webapp.disputes.opening import open_dispute
from webapp.disputes.pipeline import perform
from webapp.disputes.steps import ActionContext, Done
from webapp.evidence.attachments import UploadedFiles
from webapp.mediation.services import take_case
from webapp.orders.models import Order

NOW = real_now().replace(microsecond=0)


def ago(days: float) -> datetime:
    """A moment `days` before the test run started (deadlines are real-time relative)."""
    return NOW - timedelta(days=days)


@dataclass
class World:
    """The people and the order of one test, with named steps."""

    buyer: User
    seller: User
    mediator: User
    outsider: User
    order: Order

    def open(self, at: datetime, **overrides: Any) -> Dispute:
        """The buyer opens a damaged-goods dispute asking for a 30.00 refund, with one photo."""
        form = {
            "received": "yes",
            "reason": "damaged_in_transit",
            "resolution": "refund_only",
            "amount": "30.00",
            "description": "Arrived broken.",
            **overrides,
        }
        files = [] if form["received"] == "no" else [demo_photo("Broken")]
        dispute = open_dispute(self.buyer, self.order.id, form, UploadedFiles(files), now=at)
        db.session.commit()
        return dispute

    def act(
        self,
        user: User,
        dispute: Dispute,
        action: Action,
        at: datetime,
        step: Callable[[ActionContext], Done],
        version: int | None = None,
    ) -> Any:
        """Take one action through the real pipeline and commit, as a request would."""
        result = perform(user, dispute.id, action, at, step, version=version)
        db.session.commit()
        return result

    def agree_on_a_return(self, opened: datetime, accepted: datetime) -> Dispute:
        """The buyer asks for 50.00 after returning the item, and the seller accepts (S2): a return is due."""
        from webapp.disputes import negotiation

        dispute = self.open(opened, resolution="return_and_refund", amount="50")
        proposal_id = dispute.live_proposals(Actor.BUYER)[0].id
        self.act(
            self.seller,
            dispute,
            Action.ACCEPT_PROPOSAL,
            accepted,
            lambda c: negotiation.accept_proposal(c, proposal_id),
        )
        return dispute

    def agree_on_a_reshipment(self, opened: datetime, agreed: datetime, fallback: str = "30.00") -> Dispute:
        """The seller rejects, offering to send the item again (`fallback` back if it does not ship),
        and the buyer accepts (F6): a re-shipment is due."""
        from webapp.disputes import negotiation

        dispute = self.open(opened)
        offer = {"resolution": "reship", "amount": fallback, "comment": "I send a new one."}
        proposal = self.act(
            self.seller,
            dispute,
            Action.REJECT_REQUEST,
            opened + (agreed - opened) / 2,
            lambda c: negotiation.reject_request(c, offer),
        )
        proposal_id = proposal.id
        self.act(
            self.buyer,
            dispute,
            Action.ACCEPT_PROPOSAL,
            agreed,
            lambda c: negotiation.accept_proposal(c, proposal_id),
        )
        return self.reload(dispute)

    def take(self, dispute: Dispute, at: datetime, mediator: User | None = None) -> None:
        """The mediator (the world's unless given) takes the escalated case, so it may act on it."""
        self.act(mediator or self.mediator, dispute, Action.TAKE_CASE, at, take_case)

    def reload(self, dispute: Dispute) -> Dispute:
        """The dispute as the database has it now."""
        db.session.expire_all()
        return db.session.get_one(Dispute, dispute.id)


def make_order(
    buyer: User,
    seller: User,
    *,
    number: str = "T-1",
    policy: str = "aliexpress",
    dispatched: datetime | None = None,
    protection_ends: datetime | None = None,
    receipt: datetime | None = None,
) -> Order:
    """An order of 45.00 + 5.00 shipping, dispatched 40 days before the run by default."""
    order = Order(
        marketplace_id=buyer.marketplace_id,
        number=number,
        buyer_id=buyer.id,
        seller_id=seller.id,
        item_title="Teapot",
        item_price=Decimal("45.00"),
        shipping_cost=Decimal("5.00"),
        currency="USD",
        paid_at=dispatched or ago(42),
        dispatched_at=dispatched or ago(40),
        tracking_number="LP1",
        tracking_status="Delivered",
        protection_ends_at=protection_ends or NOW + timedelta(days=30),
        receipt_confirmed_at=receipt,
        policy=policy,
    )
    db.session.add(order)
    db.session.commit()
    return order
