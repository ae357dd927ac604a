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
    assert "The seller pays the return postage: the item arrived damaged." in html
    assert "F4" not in html  # rule ids are for mediators (H3's plain words for parties)
    assert "The seller's address on the order" in html


def test_f4_a_russian_buyer_reads_who_pays_in_russian(client, auth, world: World):
    dispute = world.agree_on_a_return(ago(3), ago(2))
    from webapp.core.extensions import db

    world.buyer.locale = "ru"
    db.session.commit()
    auth.login_as(world.buyer)
    html = text(client.get(f"/disputes/{dispute.id}/parts/settlement", headers=HX))
    assert "Обратную пересылку оплачивает продавец: товар пришёл повреждённым." in html


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


ADDRESS = "Local Returns Ltd\n12 Garden Road\nMoscow 101000\nRussia"


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_f5_the_seller_gives_a_local_return_address_and_both_parties_see_it(
    client, auth, world: World, headers
):
    dispute = world.agree_on_a_return(ago(3), ago(2))
    auth.login_as(world.seller)
    saved = client.post(
        f"/disputes/{dispute.id}/return-address",
        data={"return_address": ADDRESS, "version": world.reload(dispute).version},
        headers=headers,
    )
    assert saved.status_code == (200 if headers else 303)
    auth.login_as(world.buyer)
    html = text(client.get(f"/disputes/{dispute.id}/parts/settlement", headers=HX))
    assert "Local Returns Ltd<br>12 Garden Road<br>Moscow 101000<br>Russia" in html
    assert "The seller's address on the order" not in html
    assert 'id="return-address-form"' not in html  # the buyer cannot change it
    history = text(client.get(f"/disputes/{dispute.id}/parts/history", headers=HX))
    assert "local return address" in history


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_f5_an_address_without_its_lines_is_refused_with_a_sentence_and_nothing_saved(
    client, auth, world: World, headers
):
    from webapp.settlement.facts import active_return

    dispute = world.agree_on_a_return(ago(3), ago(2))
    auth.login_as(world.seller)
    refused = client.post(
        f"/disputes/{dispute.id}/return-address",
        data={"return_address": "Moscow", "version": world.reload(dispute).version},
        headers=headers,
    )
    assert refused.status_code == 422
    assert "An address needs at least 3 lines" in text(refused)
    assert active_return(world.reload(dispute)).return_address is None


def test_f5_the_buyer_may_not_give_the_return_address(client, auth, world: World):
    dispute = world.agree_on_a_return(ago(3), ago(2))
    auth.login_as(world.buyer)
    refused = client.post(
        f"/disputes/{dispute.id}/return-address",
        data={"return_address": ADDRESS, "version": world.reload(dispute).version},
        headers=HX,
    )
    assert refused.status_code == 403


def test_f5_once_the_item_is_shipped_the_address_can_no_longer_change(client, auth, world: World):
    dispute = world.agree_on_a_return(ago(3), ago(2))
    auth.login_as(world.buyer)
    client.post(
        f"/disputes/{dispute.id}/ship-return",
        data={"tracking_number": "RR123", "version": world.reload(dispute).version},
    )
    auth.login_as(world.seller)
    refused = client.post(
        f"/disputes/{dispute.id}/return-address",
        data={"return_address": ADDRESS, "version": world.reload(dispute).version},
        headers=HX,
    )
    assert refused.status_code == 409
    assert "only before the item is shipped" in text(refused)
