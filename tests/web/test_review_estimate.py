"""M8 for the parties: while the platform reviews, each sees when it should hear and when it decides."""

from __future__ import annotations

from dispute_world import World, ago, make_order
from sqlalchemy import select

from dispute_engine import Action, add_business_days, add_days
from webapp.core.extensions import db
from webapp.disputes import negotiation
from webapp.disputes.models import Dispute
from webapp.disputes.opening import open_dispute
from webapp.disputes.ticking import tick
from webapp.mediation.services import request_evidence

HX = {"HX-Request": "true"}
NOT_RECEIVED = {
    "received": "no",
    "reason": "no_tracking",
    "resolution": "refund_only",
    "amount": "20",
    "description": "Never arrived.",
}


def text(response) -> str:
    return response.get_data(as_text=True)


def escalated_on(world: World, policy: str, buyer) -> Dispute:
    """The seller rejected on day 1 and the clock escalated on day 7 (N1), a day ago."""
    order = make_order(buyer, world.seller, number=f"{policy}-1", policy=policy)
    dispute = open_dispute(buyer, order.id, NOT_RECEIVED, now=ago(8))
    db.session.commit()
    world.act(
        world.seller, dispute, Action.REJECT_REQUEST, ago(7), lambda c: negotiation.reject_request(c, {})
    )
    tick()
    return db.session.scalar(select(Dispute).where(Dispute.id == dispute.id))


def test_m8_a_dhgate_bronze_buyer_sees_first_contact_in_5_business_days_and_resolution_in_15(
    client, auth, world: World, make_user
):
    bronze = make_user("buyer", tier="bronze")
    dispute = escalated_on(world, "dhgate", bronze)
    contact = add_business_days(dispute.escalated_at, 5)
    auth.login_as(bronze)
    page, part = (
        client.get(f"/disputes/{dispute.id}"),
        client.get(f"/disputes/{dispute.id}/parts/progress", headers=HX),
    )
    assert page.status_code == part.status_code == 200
    assert "<html" in text(page) and "<html" not in text(part)
    for html in (text(page), text(part)):
        assert 'id="review-estimate"' in html
        assert "The resolution center contacts you by" in html
        assert f"{contact:%A %d %B %Y}</time>" in html
        assert "(5 business days for a bronze member;" in html
        assert f"{add_days(dispute.escalated_at, 15):%d %B %Y}</time>" in html
        assert "(within 15 days of escalation;" in html and "left)." in html


def test_m8_the_seller_sees_the_same_estimate(client, auth, world: World, make_user):
    gold = make_user("buyer", tier="gold")
    dispute = escalated_on(world, "dhgate", gold)
    auth.login_as(world.seller)
    html = text(client.get(f"/disputes/{dispute.id}"))
    assert "(2 business days for a gold member;" in html and "contacts you by" in html


def test_m8_an_aliexpress_party_is_told_the_platforms_week(client, auth, world: World):
    dispute = escalated_on(world, "aliexpress", world.buyer)
    auth.login_as(world.buyer)
    html = text(client.get(f"/disputes/{dispute.id}/parts/progress", headers=HX))
    assert "A final decision is expected by" in html and "(within 7 days of escalation;" in html
    assert "resolution center contacts" not in html  # aliexpress promises no first contact


def test_m8_once_the_mediator_made_contact_only_the_resolution_date_is_left(client, auth, world: World):
    dispute = escalated_on(world, "dhgate", world.buyer)
    world.take(dispute, ago(0.5))
    world.act(
        world.mediator,
        dispute,
        Action.REQUEST_EVIDENCE,
        ago(0.4),
        lambda c: request_evidence(c, "buyer", "The tracking page.", "3"),
    )
    auth.login_as(world.buyer)
    html = text(client.get(f"/disputes/{dispute.id}"))
    assert "resolution center contacts" not in html
    assert "(within 15 days of escalation;" in html


def test_m8_no_estimate_before_escalation(client, auth, world: World):
    dispute = world.open(ago(1))
    auth.login_as(world.buyer)
    assert 'id="review-estimate"' not in text(client.get(f"/disputes/{dispute.id}"))
