"""Upload limits, with the limits of this module's app set low (E1)."""

from __future__ import annotations

import io

import pytest
from dispute_world import World, ago
from PIL import Image
from test_evidence_locker import HX, items, jpeg, text, upload

from dispute_engine import Action
from webapp.disputes import negotiation


@pytest.fixture
def app_config():
    return {"MAX_EVIDENCE_ITEMS": 2, "MAX_PHOTO_BYTES": 50_000}


def test_e1_limits_on_size_and_count_are_refused_with_the_limit_named(client, auth, world: World):
    dispute = world.open(ago(1))  # the buyer's first photo
    auth.login_as(world.buyer)
    noisy = Image.effect_noise((300, 300), 100).convert("RGB")
    big = io.BytesIO()
    noisy.save(big, "PNG")
    too_big = upload(client, dispute.id, big.getvalue(), "huge.png", headers=HX)
    assert too_big.status_code == 413  # refused while it streamed in, in its own row
    assert "huge.png</strong>: not added. huge.png is larger than 48 KB, the most we accept for a photo" in (
        text(too_big)
    )
    assert upload(client, dispute.id, jpeg((1, 2, 3)), "two.jpg").status_code == 303
    third = upload(client, dispute.id, jpeg((4, 5, 6)), "three.jpg", headers=HX)
    assert third.status_code == 422 and "limited to 2 items" in text(third)


def test_e1_removing_an_item_does_not_make_room_for_another(client, auth, world: World):
    dispute = world.open(ago(1))  # the buyer's first photo
    auth.login_as(world.buyer)
    assert upload(client, dispute.id, jpeg((1, 2, 3)), "two.jpg").status_code == 303
    for item in items(dispute.id):
        assert client.post(f"/disputes/{dispute.id}/evidence/{item.uuid}/remove").status_code == 303
    walk_around = upload(client, dispute.id, jpeg((4, 5, 6)), "three.jpg", headers=HX)
    assert walk_around.status_code == 422
    assert "limited to 2 items, and you have added 2. Removed items count too" in text(walk_around)
    assert len(items(dispute.id)) == 2


def test_e1_n7_pinned_messages_count_against_the_limit_too(client, auth, world: World):
    dispute = world.open(ago(1))
    message = world.act(
        world.buyer, dispute, Action.SEND_MESSAGE, ago(0.5), lambda c: negotiation.send_message(c, "Hi")
    )
    auth.login_as(world.buyer)
    assert upload(client, dispute.id, jpeg((1, 2, 3)), "two.jpg").status_code == 303
    pinned = client.post(f"/disputes/{dispute.id}/messages/{message.id}/pin")
    assert pinned.status_code == 422 and "limited to 2 items" in text(pinned)
    assert len(items(dispute.id)) == 2
