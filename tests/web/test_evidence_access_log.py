"""Who saw which evidence item (E3, E4): the viewer and the media files log the other party and the
mediator, never the uploader, at most once a minute; the mediator sees the log in the viewer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from dispute_world import World, ago
from sqlalchemy import select

from dispute_engine import Action, Actor
from webapp.core.extensions import db
from webapp.disputes import negotiation
from webapp.disputes.ticking import tick
from webapp.evidence.access_log import log_view
from webapp.evidence.models import EvidenceItem, EvidenceView


def escalated(world: World):
    dispute = world.open(ago(8))
    world.act(
        world.seller, dispute, Action.REJECT_REQUEST, ago(7), lambda c: negotiation.reject_request(c, {})
    )
    tick()
    return world.reload(dispute)


def logged() -> list[tuple[str, str, str]]:
    db.session.expire_all()
    rows = db.session.scalars(select(EvidenceView).order_by(EvidenceView.id))
    return [(view.user.email, view.role.value, view.variant) for view in rows]


# (who looks, which URL: "page" is the viewer, else a media variant, the status, what the log gains)
LOOKS = [
    ("seller", "page", 200, "page"),
    ("seller", "display", 200, "display"),
    ("seller", "thumb", 200, None),  # the locker's thumbnails list items, they do not show them
    ("seller", "original", 403, None),  # refused: nothing was seen
    ("mediator", "page", 200, "page"),
    ("mediator", "original", 200, "original"),
    ("buyer", "page", 200, None),  # the uploader's own look
    ("buyer", "original", 200, None),
    ("outsider", "page", 404, None),
    ("outsider", "display", 404, None),
]


@pytest.mark.parametrize(("who", "what", "status", "gains"), LOOKS, ids=lambda v: str(v))
def test_e4_opening_an_item_logs_the_other_party_and_the_mediator_but_not_the_uploader(
    client, auth, world: World, who: str, what: str, status: int, gains: str | None
):
    dispute = escalated(world)
    photo = db.session.scalars(select(EvidenceItem)).one()  # the buyer's opening photo
    person = getattr(world, who)
    auth.login_as(person)
    url = (
        f"/disputes/{dispute.id}/evidence/{photo.uuid}"
        if what == "page"
        else f"/evidence/{photo.uuid}/{what}"
    )
    response = client.get(url)
    assert response.status_code == status
    response.close()
    role = "mediator" if who == "mediator" else who
    assert logged() == ([(person.email, role, gains)] if gains else [])


def test_e4_a_person_looking_again_within_a_minute_adds_no_row(client, auth, world: World):
    dispute = escalated(world)
    photo = db.session.scalars(select(EvidenceItem)).one()
    auth.login_as(world.seller)
    for _ in range(3):
        assert client.get(f"/disputes/{dispute.id}/evidence/{photo.uuid}").status_code == 200
    assert len(logged()) == 1
    seen_at = db.session.scalars(select(EvidenceView.at)).one()
    for seconds in (30, 59, 61, 90, 125):
        log_view(photo, world.seller, Actor.SELLER, "page", seen_at + timedelta(seconds=seconds))
        db.session.flush()
    assert len(logged()) == 3  # the requests, +61 s, +125 s


def test_e4_the_mediator_sees_in_the_viewer_who_else_saw_the_item_and_when(client, auth, world: World):
    dispute = escalated(world)
    photo = db.session.scalars(select(EvidenceItem)).one()
    auth.login_as(world.mediator)
    first = client.get(f"/disputes/{dispute.id}/evidence/{photo.uuid}").get_data(as_text=True)
    assert "Nobody else has opened it yet." in first
    auth.login_as(world.seller)
    client.get(f"/disputes/{dispute.id}/evidence/{photo.uuid}")
    seller_page = client.get(f"/disputes/{dispute.id}/evidence/{photo.uuid}").get_data(as_text=True)
    assert "Seen by" not in seller_page  # the log is the mediator's
    auth.login_as(world.mediator)
    page = client.get(f"/disputes/{dispute.id}/evidence/{photo.uuid}").get_data(as_text=True)
    assert f"The seller ({world.seller.name}): seen on" in page
    assert "original downloaded" not in page
