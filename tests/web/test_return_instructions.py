"""F4, F5 on the dispute page: the return instructions say who pays the postage and where the item goes."""

from __future__ import annotations

import pytest
from dispute_world import World, ago

HX = {"HX-Request": "true"}


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.mark.parametrize("who", ["buyer", "seller"])
def test_f4_both_parties_read_that_the_seller_pays_the_return_postage_of_damaged_goods(
    client, auth, world: World, who: str
):
    dispute = world.agree_on_a_return(ago(3), ago(2))
    auth.login_as(getattr(world, who))
    html = text(client.get(f"/disputes/{dispute.id}/parts/settlement", headers=HX))
    assert 'id="return-instructions"' in html
    assert "The seller pays the return postage." in html
    assert "the item arrived damaged" in html and "(F4)" in html
    assert "The seller's address on the order" in html


def test_f4_a_refund_only_closing_shows_no_return_instructions(client, auth, world: World):
    from dispute_engine import Action, Actor
    from webapp.disputes import negotiation

    dispute = world.open(ago(3))
    proposal_id = dispute.live_proposals(Actor.BUYER)[0].id
    world.act(
        world.seller,
        dispute,
        Action.ACCEPT_PROPOSAL,
        ago(2),
        lambda c: negotiation.accept_proposal(c, proposal_id),
    )
    auth.login_as(world.buyer)
    html = text(client.get(f"/disputes/{dispute.id}/parts/settlement", headers=HX))
    assert "Refund" in html and 'id="return-instructions"' not in html
