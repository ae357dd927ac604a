"""F6, F7, C5 through the one action path: agreeing on a re-shipment, the seller's tracking number,
the ship-by deadline acting on its own, the buyer's receipt, and reopening after the delivery window."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from dispute_world import NOW, World, ago
from sqlalchemy import select

from dispute_engine import (
    Action,
    DeadlineKind,
    FormInvalid,
    Outcome,
    RefundStatus,
    ReshipStatus,
    Resolution,
    RuleViolation,
    State,
)
from webapp.core.clock import real_now
from webapp.core.extensions import db
from webapp.disputes import lifecycle
from webapp.disputes.attachments import NoAttachments
from webapp.disputes.ticking import tick
from webapp.history.models import Event, Notification
from webapp.mediation import services as mediation
from webapp.notifications.reminders import send_due_reminders
from webapp.settlement import services as settlement
from webapp.settlement.models import Refund, Reshipment


def reshipment() -> Reshipment:
    db.session.expire_all()
    return db.session.scalars(select(Reshipment)).one()


def events(dispute_id: int) -> list[tuple[str, str | None]]:
    rows = db.session.scalars(select(Event).where(Event.dispute_id == dispute_id).order_by(Event.id))
    return [(e.action, e.rule) for e in rows]


def dispatched_long_ago(world: World) -> None:
    """The order left 70 days ago, so a dispute 50 days ago was possible (O2)."""
    world.order.paid_at, world.order.dispatched_at = ago(72), ago(70)
    db.session.commit()


def ship(world: World, dispute, at, tracking: str = "LP00112233") -> None:
    world.act(
        world.seller,
        dispute,
        Action.SHIP_REPLACEMENT,
        at,
        lambda c: settlement.ship_replacement(c, tracking),
    )


def test_f6_agreeing_on_a_reshipment_closes_the_dispute_and_starts_the_sellers_clock(world: World):
    dispute = world.agree_on_a_reshipment(ago(3), ago(1))
    assert dispute.state is State.CLOSED and dispute.outcome is Outcome.AGREED
    assert (dispute.outcome_resolution, dispute.outcome_amount) == (Resolution.RESHIP, Decimal("30.00"))
    reship = reshipment()
    assert reship.status is ReshipStatus.AWAITING_SHIPMENT and reship.amount == Decimal("30.00")
    assert reship.due_at == ago(1) + timedelta(days=15)  # the policy's reship_ship_days
    assert (dispute.next_deadline_at, dispute.next_deadline_kind) == (
        reship.due_at,
        DeadlineKind.RESHIP_SHIPMENT,
    )
    assert db.session.scalars(select(Refund)).all() == []  # a parcel is owed, not money
    assert ("closed", "N4") in events(dispute.id)


def test_f6_f7_the_seller_enters_the_tracking_number_and_the_buyer_confirms_receipt(world: World):
    dispute = world.agree_on_a_reshipment(ago(5), ago(4))
    ship(world, dispute, ago(2))
    reship = reshipment()
    assert (reship.status, reship.tracking_number) == (ReshipStatus.SHIPPED, "LP00112233")
    assert reship.due_at == ago(2) + timedelta(days=30)  # the delivery window (C5)
    assert world.reload(dispute).next_deadline_at is None  # the window does not act on its own
    shipped = db.session.scalars(select(Event).where(Event.action == "replacement_shipped")).one()
    assert "LP00112233" in shipped.summary
    told = select(Notification.user_id).where(Notification.event_id == shipped.id)
    assert world.buyer.id in set(db.session.scalars(told))  # H2: the buyer is notified
    world.act(world.buyer, dispute, Action.CONFIRM_REPLACEMENT, NOW, settlement.confirm_replacement)
    assert reshipment().status is ReshipStatus.RECEIVED
    assert events(dispute.id)[-2:] == [("replacement_shipped", "F6"), ("replacement_received", "F7")]


def test_f6_a_tracking_number_is_required_and_nothing_is_saved_without_it(world: World):
    dispute = world.agree_on_a_reshipment(ago(5), ago(4))
    with pytest.raises(FormInvalid) as refused:
        ship(world, dispute, NOW, tracking="   ")
    db.session.rollback()
    assert "tracking number" in refused.value.errors["tracking_number"]
    assert reshipment().status is ReshipStatus.AWAITING_SHIPMENT


def test_f6_a_seller_who_does_not_ship_by_the_deadline_owes_the_refund_by_the_clock(world: World):
    dispute = world.agree_on_a_reshipment(ago(20), ago(17))  # ship-by was two days ago
    assert tick() == 1
    assert tick() == 0  # once
    reship = reshipment()
    assert reship.status is ReshipStatus.NOT_SHIPPED and reship.settled_at == ago(17) + timedelta(days=15)
    refund = db.session.scalars(select(Refund)).one()
    assert (refund.amount, refund.status) == (Decimal("30.00"), RefundStatus.PENDING)
    assert events(dispute.id)[-1] == ("reshipment_not_shipped", "F6")
    dispute = world.reload(dispute)
    assert dispute.state is State.CLOSED and dispute.next_deadline_at is None


def test_f6_the_seller_is_reminded_before_its_ship_by_date(world: World):
    dispute = world.agree_on_a_reshipment(real_now() - timedelta(days=16), real_now() - timedelta(days=14.5))
    assert send_due_reminders() == 1
    notes = db.session.scalars(
        select(Notification.note).where(
            Notification.user_id == world.seller.id, Notification.note.is_not(None)
        )
    )
    assert any("ship the replacement" in (note or "") and f"#{dispute.id}" in (note or "") for note in notes)


def test_c5_after_the_delivery_window_the_buyer_reopens_and_the_seller_answers_again(world: World):
    dispatched_long_ago(world)
    dispute = world.agree_on_a_reshipment(ago(50), ago(48))
    ship(world, dispute, ago(45))  # should have arrived 15 days ago
    world.act(world.buyer, dispute, Action.REOPEN, NOW, lifecycle.reopen)
    dispute = world.reload(dispute)
    assert dispute.state is State.AWAITING_SELLER and dispute.outcome is None
    assert dispute.opened_at == NOW and dispute.next_deadline_kind is DeadlineKind.SELLER_RESPONSE
    assert reshipment().status is ReshipStatus.REOPENED
    assert events(dispute.id)[-1] == ("reopened", "C5")
    assert [p.resolution for p in dispute.live_proposals()] == [Resolution.REFUND_ONLY]  # the request again


def test_c5_within_the_delivery_window_reopening_is_refused_and_nothing_changes(world: World):
    dispute = world.agree_on_a_reshipment(ago(10), ago(9))
    ship(world, dispute, ago(8))
    version = world.reload(dispute).version
    with pytest.raises(RuleViolation) as refused:
        world.act(world.buyer, dispute, Action.REOPEN, NOW, lifecycle.reopen)
    db.session.rollback()
    assert refused.value.rule == "C5"
    dispute = world.reload(dispute)
    assert (dispute.state, dispute.version) == (State.CLOSED, version)
    assert reshipment().status is ReshipStatus.SHIPPED


def test_c5_f7_a_confirmed_parcel_cannot_be_reopened(world: World):
    dispatched_long_ago(world)
    dispute = world.agree_on_a_reshipment(ago(50), ago(48))
    ship(world, dispute, ago(45))
    world.act(world.buyer, dispute, Action.CONFIRM_REPLACEMENT, ago(1), settlement.confirm_replacement)
    with pytest.raises(RuleViolation) as refused:
        world.act(world.buyer, dispute, Action.REOPEN, NOW, lifecycle.reopen)
    assert refused.value.rule == "C5"


def test_f6_m5_the_mediators_final_decision_may_order_a_reshipment(world: World):
    dispute = world.open(ago(9))
    tick()  # S1 closes it for the buyer; the buyer's complaint (C3) brings it to a mediator
    dispute = world.reload(dispute)
    assert dispute.state is State.CLOSED
    world.act(
        world.buyer, dispute, Action.APPEAL, NOW, lambda c: lifecycle.appeal(c, "result", "Send it again")
    )
    world.take(dispute, NOW)
    solutions = [("reship", "30.00", "A new parcel"), ("refund_only", "10.00", "Some back")]
    world.act(
        world.mediator,
        dispute,
        Action.PROPOSE_DECISION,
        NOW,
        lambda c: mediation.propose_decision(c, solutions, "Re-ship or part refund", []),
    )
    world.act(
        world.buyer,
        dispute,
        Action.ANSWER_DECISION,
        NOW,
        lambda c: mediation.answer_decision(c, "0", "", NoAttachments()),
    )
    world.act(
        world.mediator,
        dispute,
        Action.FINAL_DECISION,
        NOW,
        lambda c: mediation.final_decision(c, "1", "A new parcel it is", []),
    )
    dispute = world.reload(dispute)
    assert (dispute.outcome, dispute.outcome_resolution) == (Outcome.FINAL_DECISION, Resolution.RESHIP)
    assert reshipment().status is ReshipStatus.AWAITING_SHIPMENT
    # The S1 refund was replaced by the new outcome (C3).
    assert {r.status for r in db.session.scalars(select(Refund))} == {RefundStatus.SUPERSEDED}


def test_f6_h2_the_marketplace_is_told_of_the_agreement_and_of_the_new_parcel(world: World):
    import json

    from webapp.marketplaces.models import demo_marketplace
    from webapp.webhooks.endpoints import add_endpoint
    from webapp.webhooks.models import WebhookMessage

    add_endpoint(demo_marketplace().id, "http://127.0.0.1:9/hooks", None, NOW)
    db.session.commit()
    dispute = world.agree_on_a_reshipment(ago(3), ago(2))
    ship(world, dispute, ago(1))
    rows = db.session.scalars(select(WebhookMessage).order_by(WebhookMessage.id)).all()
    kinds = [row.event_type for row in rows]
    assert "dispute.closed" in kinds and "refund.due" not in kinds  # a parcel is owed, not money
    assert kinds[-2:] == ["replacement.shipped", "dispute.updated"]
    assert json.loads(rows[-1].payload)["data"]["action"] == "replacement_shipped"
