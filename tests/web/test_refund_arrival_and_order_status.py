"""F1 on the pages: where the refund goes and when it arrives; the orders page's status follows it."""

from __future__ import annotations

from dispute_world import NOW, World, ago

from dispute_engine import Action, add_business_days
from webapp.disputes import negotiation
from webapp.settlement import services as settlement

HX = {"HX-Request": "true"}


def text(response) -> str:
    return response.get_data(as_text=True)


def accepted(world: World, at=None):
    """The seller accepts the buyer's 30.00 refund request (S2): a refund is due (F1)."""
    dispute = world.open(ago(2))
    proposal_id = dispute.live_proposals()[0].id
    world.act(
        world.seller,
        dispute,
        Action.ACCEPT_PROPOSAL,
        at or ago(1),
        lambda c: negotiation.accept_proposal(c, proposal_id),
    )
    return dispute


def status_on_orders_page(client) -> str:
    html = text(client.get("/orders"))
    return html.split('class="order__status">Status: <strong>')[1].split("</strong>")[0]


def test_f1_the_buyer_is_told_where_the_refund_goes_and_how_long_it_takes(client, auth, world: World):
    dispute = accepted(world)
    auth.login_as(world.buyer)
    page = text(client.get(f"/disputes/{dispute.id}"))
    part = text(client.get(f"/disputes/{dispute.id}/parts/settlement", headers=HX))
    assert "<html" not in part
    for html in (page, part):
        assert 'id="refund-arrival"' in html
        assert (
            "Once the seller pays, the money goes back to the card or account the order was paid with" in html
        )
        assert "reaches you within 7 to 10 business days." in html


def test_f1_once_paid_the_buyer_sees_the_dates_it_should_arrive_between(client, auth, world: World):
    dispute = accepted(world)
    world.act(world.seller, dispute, Action.MARK_REFUNDED, NOW, settlement.mark_refunded)
    auth.login_as(world.buyer)
    html = text(client.get(f"/disputes/{dispute.id}/parts/settlement", headers=HX))
    earliest, latest = add_business_days(NOW, 7), add_business_days(NOW, 10)
    assert f"Paid on {NOW:%d %B %Y}" in html
    assert f"should reach you between {earliest:%d %B} and {latest:%d %B %Y} (7 to 10 business days)" in html
    auth.login_as(world.seller)
    assert "should reach the buyer between" in text(client.get(f"/disputes/{dispute.id}"))


def test_f1_the_order_status_moves_from_pending_to_dispute_to_payment_processing_to_refunded(
    client, auth, world: World
):
    auth.login_as(world.buyer)
    assert status_on_orders_page(client) == "Pending confirmation"
    dispute = world.open(ago(2))
    assert status_on_orders_page(client) == "In dispute"
    proposal_id = dispute.live_proposals()[0].id
    world.act(
        world.seller,
        dispute,
        Action.ACCEPT_PROPOSAL,
        ago(1),
        lambda c: negotiation.accept_proposal(c, proposal_id),
    )
    assert status_on_orders_page(client) == "Payment processing"
    world.act(world.seller, dispute, Action.MARK_REFUNDED, NOW, settlement.mark_refunded)
    assert status_on_orders_page(client) == "Refunded"
    auth.login_as(world.seller)
    assert status_on_orders_page(client) == "Refunded"
