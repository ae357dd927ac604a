"""The dispute pages over HTTP: refusals are 4xx with words, never 500, and change nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from dispute_world import NOW, World, ago, make_order
from sqlalchemy import func, select

from dispute_engine import Action, Actor, State
from webapp.core.extensions import db
from webapp.demo import demo_photo
from webapp.disputes import lifecycle, negotiation
from webapp.disputes.models import Dispute

FORM = {
    "received": "yes",
    "reason": "damaged_in_transit",
    "resolution": "refund_only",
    "amount": "30.00",
    "description": "Arrived broken.",
}


def post_dispute(client, order_id: int, **overrides):
    photo = demo_photo("Broken")
    data = {**FORM, **overrides, "evidence": (photo.stream, photo.filename)}
    return client.post(f"/orders/{order_id}/dispute", data=data, content_type="multipart/form-data")


def disputes() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Dispute.id))) or 0


def text(response) -> str:
    return response.get_data(as_text=True)


def test_o4_the_buyer_opens_a_dispute_and_lands_on_its_page(client, auth, world: World):
    auth.login_as(world.buyer)
    response = post_dispute(client, world.order.id)
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert "Seller response" in text(page) and 'aria-label="Dispute progress"' in text(page)


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0", "at least 0.01"),
        ("-5", "as a number"),
        ("50.01", "more than the order total"),
        ("12.345", "at most 2 decimals"),
        ("", "Enter an amount"),
    ],
)
def test_o7_a_bad_refund_amount_is_refused_beside_its_field_and_nothing_is_saved(
    client, auth, world: World, amount: str, words: str
):
    auth.login_as(world.buyer)
    response = post_dispute(client, world.order.id, amount=amount)
    assert response.status_code == 422
    assert words in text(response)
    assert disputes() == 0


def test_o5_a_reason_that_does_not_fit_received_is_refused(client, auth, world: World):
    auth.login_as(world.buyer)
    response = post_dispute(client, world.order.id, received="no", reason="damaged_in_transit")
    assert response.status_code == 422
    assert "for goods you received" in text(response)
    assert disputes() == 0


def test_o2_opening_too_early_is_refused_with_the_date_it_becomes_possible(client, auth, world: World):
    order = make_order(world.buyer, world.seller, number="T-early", dispatched=ago(3))
    auth.login_as(world.buyer)
    assert client.get(f"/orders/{order.id}/dispute/new").status_code == 409
    response = post_dispute(client, order.id)
    assert response.status_code == 409
    assert "can be opened from" in text(response)
    assert disputes() == 0


def test_o3_opening_after_the_window_is_refused(client, auth, world: World):
    order = make_order(world.buyer, world.seller, number="T-late", receipt=ago(16))
    auth.login_as(world.buyer)
    response = post_dispute(client, order.id)
    assert response.status_code == 409
    assert "time to open a dispute ended" in text(response)


def test_o1_a_second_dispute_on_one_order_is_refused(client, auth, world: World):
    world.open(ago(1))
    auth.login_as(world.buyer)
    response = post_dispute(client, world.order.id)
    assert response.status_code == 409
    assert "already has a dispute" in text(response)
    assert disputes() == 1


def test_o1_the_seller_cannot_open_a_dispute_on_its_own_sale(client, auth, world: World):
    auth.login_as(world.seller)
    response = post_dispute(client, world.order.id)
    assert response.status_code == 403
    assert "buyer can open a dispute on it" in text(response)


def test_e4_strangers_get_404_for_the_dispute_and_its_actions(client, auth, world: World):
    dispute = world.open(ago(1))
    auth.login_as(world.outsider)
    assert client.get(f"/disputes/{dispute.id}").status_code == 404
    assert client.post(f"/disputes/{dispute.id}/cancel", data={"confirm": "yes"}).status_code == 404


def test_c1_a_seller_pressing_the_buyers_cancel_gets_403_and_nothing_changes(client, auth, world: World):
    dispute = world.open(ago(1))
    auth.login_as(world.seller)
    response = client.post(
        f"/disputes/{dispute.id}/cancel", data={"confirm": "yes", "version": dispute.version}
    )
    assert response.status_code == 403
    assert "seller cannot do that" in text(response)
    assert world.reload(dispute).state is State.AWAITING_SELLER


def test_c2_an_action_the_state_does_not_allow_gets_409_with_the_reason(client, auth, world: World):
    dispute = world.open(ago(1))
    auth.login_as(world.buyer)
    response = client.post(f"/disputes/{dispute.id}/reopen", data={"version": dispute.version})
    assert response.status_code == 409
    assert "cannot be done while the seller has not answered yet" in text(response)


def test_n4_a_stale_accept_is_refused_and_says_what_changed(client, auth, world: World):
    dispute = world.open(ago(2))
    proposal_id = dispute.live_proposals(Actor.BUYER)[0].id
    seen = world.reload(dispute).version
    world.act(
        world.buyer,
        dispute,
        Action.CHANGE_PROPOSAL,
        ago(1),
        lambda c: negotiation.change_proposal(
            c, proposal_id, {"resolution": "refund_only", "amount": "45.00", "comment": "All"}
        ),
    )
    auth.login_as(world.seller)
    response = client.post(
        f"/disputes/{dispute.id}/accept", data={"proposal_id": proposal_id, "version": seen, "confirm": "yes"}
    )
    assert response.status_code == 409
    assert "The buyer changed a proposal" in text(response)
    assert world.reload(dispute).state is State.AWAITING_SELLER


def test_n4_accepting_asks_for_confirmation_first_and_says_what_will_happen(client, auth, world: World):
    dispute = world.open(ago(1))
    proposal_id = dispute.live_proposals(Actor.BUYER)[0].id
    auth.login_as(world.seller)
    data = {"proposal_id": proposal_id, "version": dispute.version}
    confirm = client.post(f"/disputes/{dispute.id}/accept", data=data)
    assert confirm.status_code == 200
    assert "30.00 USD will be refunded" in text(confirm)
    assert world.reload(dispute).state is State.AWAITING_SELLER
    done = client.post(f"/disputes/{dispute.id}/accept", data={**data, "confirm": "yes"})
    assert done.status_code == 303
    assert world.reload(dispute).state is State.CLOSED


def test_a_form_missing_its_proposal_is_a_400_with_words(client, auth, world: World):
    dispute = world.open(ago(1))
    auth.login_as(world.seller)
    response = client.post(
        f"/disputes/{dispute.id}/accept", data={"version": dispute.version, "confirm": "yes"}
    )
    assert response.status_code == 400
    assert "missing its proposal id" in text(response)


def test_s3_the_page_offers_each_party_only_what_it_may_do_now(client, auth, world: World):
    dispute = world.open(ago(1))
    auth.login_as(world.seller)
    seller_page = text(client.get(f"/disputes/{dispute.id}"))
    assert "Reject the buyer's request" in seller_page and ">Accept</button>" in seller_page
    assert "Cancel dispute" not in seller_page
    auth.login_as(world.buyer)
    buyer_page = text(client.get(f"/disputes/{dispute.id}"))
    assert "Cancel dispute" in buyer_page and "Reject the buyer's request" not in buyer_page


def test_s1_viewing_a_dispute_applies_its_due_deadline_before_showing_it(client, auth, world: World):
    dispute = world.open(ago(6))
    auth.login_as(world.buyer)
    page = text(client.get(f"/disputes/{dispute.id}"))
    assert "the seller did not respond" in page
    assert world.reload(dispute).state is State.CLOSED


def test_m8_the_mediator_queue_puts_a_gold_member_before_a_regular_one(client, auth, make_user, world: World):
    gold = make_user("buyer", tier="gold")
    regular_order = make_order(world.buyer, world.seller, number="H-1", policy="dhgate")
    gold_order = make_order(gold, world.seller, number="H-2", policy="dhgate")
    for buyer, order in ((world.buyer, regular_order), (gold, gold_order)):
        world.order, world.buyer = order, buyer
        dispute = world.open(ago(6))
        world.act(
            world.seller,
            dispute,
            Action.REJECT_REQUEST,
            ago(5.5),
            lambda c: negotiation.reject_request(c, {}),
        )
        world.act(buyer, dispute, Action.ESCALATE, NOW - timedelta(hours=1), lifecycle.escalate_by_hand)
    auth.login_as(world.mediator)
    queue = text(client.get("/mediation"))
    assert queue.index("H-2") < queue.index("H-1")
    rows = queue.split("<tr>")[2:]
    assert "gold" in rows[0] and "regular" in rows[1]


def test_the_mediator_queue_is_for_mediators_only(client, auth, world: World):
    auth.login_as(world.buyer)
    assert client.get("/mediation").status_code == 403


def test_an_unknown_action_is_a_404(client, auth, world: World):
    dispute = world.open(ago(1))
    auth.login_as(world.buyer)
    assert client.post(f"/disputes/{dispute.id}/explode", data={}).status_code == 404
