"""F6, F7, C5 on the dispute page: proposing a re-shipment, the seller's tracking form, the buyer's view,
with htmx (fragments) and without (PRG), and refusals in words."""

from __future__ import annotations

import pytest
from dispute_world import World, ago
from sqlalchemy import select

from dispute_engine import Action, ReshipStatus, Resolution
from webapp.core.extensions import db
from webapp.disputes import negotiation
from webapp.disputes.models import Proposal
from webapp.settlement.models import Reshipment

HX = {"HX-Request": "true"}
MODES = pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])


def text(response) -> str:
    return response.get_data(as_text=True)


def reshipment() -> Reshipment:
    db.session.expire_all()
    return db.session.scalars(select(Reshipment)).one()


def test_f6_the_proposal_forms_offer_a_reshipment(client, auth, world: World):
    dispute = world.open(ago(2))
    auth.login_as(world.seller)
    html = text(client.get(f"/disputes/{dispute.id}/parts/proposals", headers=HX))
    assert 'value="reship"' in html and "Re-shipment: the seller sends the item again" in html


@MODES
def test_f6_the_seller_rejects_and_offers_a_reshipment(client, auth, world: World, headers):
    dispute = world.open(ago(2))
    auth.login_as(world.seller)
    response = client.post(
        f"/disputes/{dispute.id}/reject-request",
        data={"resolution": "reship", "amount": "30.00", "comment": "New one", "version": dispute.version},
        headers=headers,
    )
    assert response.status_code == (200 if headers else 303)
    offer = db.session.scalars(select(Proposal).where(Proposal.resolution == Resolution.RESHIP)).one()
    auth.login_as(world.buyer)
    html = text(client.get(f"/disputes/{dispute.id}/parts/proposals", headers=HX))
    assert f'id="proposal-{offer.id}"' in html and "Re-shipment, <strong>30.00 USD</strong>" in html


def test_f6_accepting_a_reshipment_says_what_follows_before_it_happens(client, auth, world: World):
    dispute = world.open(ago(2))
    offer = world.act(
        world.seller,
        dispute,
        Action.REJECT_REQUEST,
        ago(1),
        lambda c: negotiation.reject_request(c, {"resolution": "reship", "amount": "30", "comment": ""}),
    )
    auth.login_as(world.buyer)
    asked = client.post(
        f"/disputes/{dispute.id}/accept",
        data={"proposal_id": offer.id, "version": world.reload(dispute).version},
        headers=HX,
    )
    assert asked.status_code == 200
    assert "the seller sends the item again" in text(asked) and "30.00 USD will be refunded" in text(asked)
    assert db.session.scalars(select(Reshipment)).all() == []  # nothing done before the confirmation


@MODES
def test_f6_f7_the_seller_enters_the_tracking_number_and_the_buyer_sees_it(
    client, auth, world: World, headers
):
    dispute = world.agree_on_a_reshipment(ago(3), ago(2))
    auth.login_as(world.seller)
    form = text(client.get(f"/disputes/{dispute.id}/parts/settlement", headers=HX))
    assert 'id="ship-replacement"' in form and "Waiting for the seller to ship a new parcel" in form
    saved = client.post(
        f"/disputes/{dispute.id}/ship-replacement",
        data={"tracking_number": "LP998877", "version": dispute.version},
        headers=headers,
    )
    assert saved.status_code == (200 if headers else 303)
    if headers:
        assert "tracking number was saved: the buyer sees it" in text(saved)
    auth.login_as(world.buyer)
    html = text(client.get(f"/disputes/{dispute.id}/parts/settlement", headers=HX))
    assert "The new parcel is on its way" in html and "tracking LP998877" in html
    assert 'id="confirm-replacement"' in html and 'id="ship-replacement"' not in html
    assert reshipment().status is ReshipStatus.SHIPPED


@MODES
def test_f6_a_missing_tracking_number_is_refused_in_words_and_nothing_saved(
    client, auth, world: World, headers
):
    dispute = world.agree_on_a_reshipment(ago(3), ago(2))
    auth.login_as(world.seller)
    refused = client.post(
        f"/disputes/{dispute.id}/ship-replacement",
        data={"tracking_number": " ", "version": dispute.version},
        headers=headers,
    )
    assert refused.status_code == 422
    assert "Enter the new parcel&#39;s tracking number." in text(refused)
    assert reshipment().status is ReshipStatus.AWAITING_SHIPMENT


def test_f6_the_buyer_cannot_enter_the_sellers_tracking_number(client, auth, world: World):
    dispute = world.agree_on_a_reshipment(ago(3), ago(2))
    auth.login_as(world.buyer)
    refused = client.post(
        f"/disputes/{dispute.id}/ship-replacement",
        data={"tracking_number": "X1", "version": dispute.version},
        headers=HX,
    )
    assert refused.status_code == 403
    assert reshipment().tracking_number is None


@MODES
def test_f7_the_buyer_confirms_receipt_after_a_confirmation(client, auth, world: World, headers):
    dispute = world.agree_on_a_reshipment(ago(3), ago(2))
    from webapp.settlement import services as settlement

    world.act(
        world.seller,
        dispute,
        Action.SHIP_REPLACEMENT,
        ago(1),
        lambda c: settlement.ship_replacement(c, "LP1"),
    )
    auth.login_as(world.buyer)
    version = world.reload(dispute).version
    asked = client.post(
        f"/disputes/{dispute.id}/confirm-replacement", data={"version": version}, headers=headers
    )
    assert asked.status_code == 200 and "Confirming is final" in text(asked)
    assert reshipment().status is ReshipStatus.SHIPPED
    done = client.post(
        f"/disputes/{dispute.id}/confirm-replacement",
        data={"version": version, "confirm": "yes"},
        headers=headers,
    )
    assert done.status_code == (200 if headers else 303)
    assert reshipment().status is ReshipStatus.RECEIVED


def test_c5_the_reopen_button_shows_only_after_the_delivery_window(client, auth, world: World):
    from webapp.settlement import services as settlement

    dispute = world.agree_on_a_reshipment(ago(3), ago(2))
    world.act(
        world.seller,
        dispute,
        Action.SHIP_REPLACEMENT,
        ago(1),
        lambda c: settlement.ship_replacement(c, "LP1"),
    )
    auth.login_as(world.buyer)
    outcome = text(client.get(f"/disputes/{dispute.id}/parts/outcome", headers=HX))
    assert "Reopen dispute" not in outcome
    refused = client.post(
        f"/disputes/{dispute.id}/reopen", data={"version": world.reload(dispute).version}, headers=HX
    )
    assert refused.status_code == 409 and "you can reopen the dispute" in text(refused)
    reship = reshipment()
    reship.due_at = ago(0.5)  # the parcel should have arrived half a day ago
    db.session.commit()
    outcome = text(client.get(f"/disputes/{dispute.id}/parts/outcome", headers=HX))
    assert "Reopen dispute" in outcome


def test_f6_the_mediator_can_offer_a_reshipment_as_a_solution(client, auth, world: World):
    from webapp.disputes import lifecycle
    from webapp.disputes.ticking import tick

    dispute = world.open(ago(9))
    tick()
    world.act(world.buyer, dispute, Action.APPEAL, ago(0.1), lambda c: lifecycle.appeal(c, "result", "More"))
    world.take(dispute, ago(0.05))
    auth.login_as(world.mediator)
    html = text(client.get(f"/disputes/{dispute.id}"))
    assert '<option value="reship"' in html


def test_f6_o6_the_opening_form_offers_only_the_two_resolutions_and_refuses_a_reshipment(
    client, auth, world: World
):
    auth.login_as(world.buyer)
    form = text(client.get(f"/orders/{world.order.id}/dispute/new"))
    assert 'value="refund_only"' in form and 'value="reship"' not in form
    from webapp.demo import demo_photo

    photo = demo_photo("Broken")
    refused = client.post(
        f"/orders/{world.order.id}/dispute",
        data={
            "received": "yes",
            "reason": "damaged_in_transit",
            "resolution": "reship",
            "amount": "30.00",
            "description": "Broken",
            "evidence": (photo.stream, photo.filename),
        },
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    assert "A re-shipment is agreed with the seller or decided by the platform" in text(refused)


def test_f6_the_orders_page_says_a_reshipment_is_in_progress(client, auth, world: World):
    world.agree_on_a_reshipment(ago(3), ago(2))
    auth.login_as(world.buyer)
    assert "Re-shipment in progress" in text(client.get("/orders"))
