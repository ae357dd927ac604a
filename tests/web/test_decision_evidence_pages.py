"""The outcome shows the evidence the decision was taken on, and its notification lists it (M5, E2, E3)."""

from __future__ import annotations

from decided_case import decide, items, proposed
from dispute_world import World, ago

from dispute_engine import Action
from webapp.demo import demo_photo
from webapp.disputes import lifecycle
from webapp.evidence import locker


def outcome(client, dispute_id: int, htmx: bool) -> str:
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get(f"/disputes/{dispute_id}/parts/outcome", headers=headers)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_m5_each_party_sees_the_decisions_evidence_with_sha256_and_not_what_was_removed(
    client, auth, world: World
):
    dispute = proposed(world)
    decide(world, dispute)
    photo, removed = items(dispute)
    for person in (world.buyer, world.seller):
        auth.login_as(person)
        for htmx in (False, True):
            html = outcome(client, dispute.id, htmx)
            assert "Evidence the decision was taken on" in html
            assert photo.sha256 in html and photo.display_name in html
            assert removed.sha256 not in html  # E2: removed items stay the mediator's
            assert "Added after the decision" not in html
    auth.login_as(world.mediator)
    html = outcome(client, dispute.id, False)
    assert removed.sha256 in html and "Removed before the decision" in html


def test_c3_m5_an_item_added_after_the_decision_is_marked_so(client, auth, world: World):
    dispute = proposed(world)
    decide(world, dispute)
    complain = lambda c: lifecycle.appeal(c, "result", "Look again.")  # noqa: E731
    world.act(world.buyer, dispute, Action.APPEAL, ago(0.4), complain)
    world.act(
        world.buyer,
        dispute,
        Action.ADD_EVIDENCE,
        ago(0.3),
        lambda c: locker.add_evidence(c, [demo_photo("Later")]),
    )
    later = items(dispute)[-1]
    auth.login_as(world.seller)
    page = client.get(f"/disputes/{dispute.id}").get_data(as_text=True)
    assert "Evidence the earlier decision was taken on" in page  # the complaint cleared the outcome
    seen, after = page.split('id="decision-evidence-after"')
    assert later.sha256 not in seen.split('id="decision-evidence-seen"')[1]
    assert "Added after the decision" in after and later.sha256 in after and "later.jpg" in after


def test_m5_the_decisions_notification_and_email_list_its_evidence_with_sha256(client, auth, world: World):
    dispute = proposed(world)
    decide(world, dispute)
    photo, removed = items(dispute)
    auth.login_as(world.buyer)
    for htmx in (False, True):
        headers = {"HX-Request": "true"} if htmx else {}
        html = client.get("/notifications", headers=headers).get_data(as_text=True)
        assert "Evidence the decision was taken on (1)" in html
        assert photo.sha256 in html and removed.sha256 not in html
    outbox = client.get("/outbox").get_data(as_text=True)
    assert "The decision was taken on this evidence:" in outbox
    assert f"SHA-256 {photo.sha256}" in outbox
