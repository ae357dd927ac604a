"""O9 on the dispute page: each party sees the evidence that wins its side where it answers and uploads."""

from __future__ import annotations

from dispute_world import World, ago

from dispute_engine import Reason
from dispute_engine.reasons import guidance_for, seller_guidance_for

HX = {"HX-Request": "true"}


def text(response) -> str:
    return response.get_data(as_text=True)


def escaped(words: str) -> str:
    return words.replace("'", "&#39;")


def test_o9_the_seller_sees_its_guidance_beside_the_reject_form_and_the_upload(client, auth, world: World):
    dispute = world.open(ago(1))  # damaged in transit
    auth.login_as(world.seller)
    html = text(client.get(f"/disputes/{dispute.id}"))
    words = escaped(seller_guidance_for(Reason.DAMAGED_IN_TRANSIT))
    assert 'id="evidence-guidance-reject"' in html and 'id="evidence-guidance-upload"' in html
    assert html.count(words) == 2
    assert "Evidence that answers this reason:" in html
    assert escaped(guidance_for(Reason.DAMAGED_IN_TRANSIT)) not in html


def test_o9_the_proposals_part_carries_it_for_htmx_too(client, auth, world: World):
    dispute = world.open(ago(1), received="no", reason="no_tracking")
    auth.login_as(world.seller)
    part = text(client.get(f"/disputes/{dispute.id}/parts/proposals", headers=HX))
    assert "<html" not in part
    assert "Proof of shipment (the carrier&#39;s receipt) and the tracking page" in part


def test_o9_the_buyer_sees_the_buyers_guidance_not_the_sellers(client, auth, world: World):
    dispute = world.open(ago(1))
    auth.login_as(world.buyer)
    html = text(client.get(f"/disputes/{dispute.id}"))
    assert escaped(guidance_for(Reason.DAMAGED_IN_TRANSIT)) in html
    assert "Evidence that wins this reason:" in html
    assert escaped(seller_guidance_for(Reason.DAMAGED_IN_TRANSIT)) not in html
