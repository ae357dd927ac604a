"""Nothing of one marketplace is visible to another through the pages: a mediator works for one."""

from __future__ import annotations

from datetime import timedelta

from dispute_world import NOW, World, ago

from dispute_engine import Action
from webapp.core.extensions import db
from webapp.disputes import lifecycle, negotiation
from webapp.marketplaces.models import Marketplace


def escalated(world: World):
    dispute = world.open(ago(6))
    world.act(
        world.seller, dispute, Action.REJECT_REQUEST, ago(5.5), lambda c: negotiation.reject_request(c, {})
    )
    world.act(world.buyer, dispute, Action.ESCALATE, NOW - timedelta(hours=1), lifecycle.escalate_by_hand)
    return dispute


def other_mediator(make_user):
    other = Marketplace(name="Other market", policy="aliexpress")
    db.session.add(other)
    db.session.commit()
    return make_user("mediator", marketplace=other)


def test_a_mediator_of_another_marketplace_sees_neither_the_dispute_nor_it_in_the_queue(
    client, auth, make_user, world: World
):
    world.order.policy = "dhgate"
    db.session.commit()
    dispute = escalated(world)
    stranger = other_mediator(make_user)

    auth.login_as(stranger)
    assert client.get(f"/disputes/{dispute.id}").status_code == 404
    assert client.get(f"/disputes/{dispute.id}/poll?v=0&a=0").status_code == 404
    assert world.order.number not in client.get("/mediation").get_data(as_text=True)

    auth.login_as(world.mediator)
    assert client.get(f"/disputes/{dispute.id}").status_code == 200
    assert world.order.number in client.get("/mediation").get_data(as_text=True)


def test_a_mediator_of_another_marketplace_cannot_act_on_the_dispute(client, auth, make_user, world: World):
    world.order.policy = "dhgate"
    db.session.commit()
    dispute = escalated(world)
    auth.login_as(other_mediator(make_user))
    response = client.post(
        f"/disputes/{dispute.id}/request-evidence",
        data={"party": "buyer", "wanted": "A photo", "version": str(dispute.version)},
    )
    assert response.status_code == 404
