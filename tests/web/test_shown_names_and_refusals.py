"""What people are shown: cleaned filenames (the original kept), and refusals that name the real problem."""

from __future__ import annotations

from dispute_world import World, ago
from sqlalchemy import select
from test_evidence_locker import HX, escalated, items, jpeg, text, upload

from dispute_engine import Action, Actor
from media.keys import readable_name
from webapp.core.extensions import db
from webapp.disputes import negotiation
from webapp.history.models import Event


def test_readable_name_drops_control_and_direction_characters():
    assert readable_name("a\u202eb\u2066c\u0000d\u200be\nf.jpg") == "abcdef.jpg"
    assert readable_name("  Colis abîmé (1).jpg ") == "Colis abîmé (1).jpg"
    assert readable_name("\u202e\u0007") == "evidence"


# Direction and invisible characters are kept in the record and dropped when shown; control
# characters (NUL, BEL) are refused at the door like in any other field.
TRICK = "invoice\u202egpj.exe\u200b"


def test_a_filename_with_a_right_to_left_override_is_shown_cleaned_and_kept_as_sent(
    client, auth, world: World
):
    dispute = world.open(ago(1))
    auth.login_as(world.buyer)
    row = upload(client, dispute.id, jpeg((3, 4, 5)), TRICK, headers=HX)
    assert row.status_code == 200
    item = items(dispute.id)[-1]
    assert item.original_name == TRICK and item.display_name == "invoicegpj.exe"
    viewer = text(client.get(f"/disputes/{dispute.id}/evidence/{item.uuid}"))
    for html in (text(row), viewer, text(client.get(f"/disputes/{dispute.id}"))):
        assert "invoicegpj.exe" in html and "\u202e" not in html and "\u0007" not in html
    summary = db.session.scalars(select(Event.summary).where(Event.action == "evidence_added")).all()[-1]
    assert summary.endswith("invoicegpj.exe.")
    refused = upload(client, dispute.id, b"<html>not a photo</html>", "x\u202egpj.exe", headers=HX)
    assert refused.status_code == 422 and "\u202e" not in text(refused)
    bell = upload(client, dispute.id, jpeg((3, 4, 6)), "invoice.jpg\u0007", headers=HX)
    assert bell.status_code == 400 and "control character" in text(bell)


def test_an_empty_file_is_refused_as_empty(client, auth, world: World):
    dispute = world.open(ago(1))
    before = len(items(dispute.id))
    auth.login_as(world.buyer)
    refused = upload(client, dispute.id, b"", "blank.jpg", headers=HX)
    assert refused.status_code == 422 and "blank.jpg is empty." in text(refused)
    assert "not a photo or video" not in text(refused)
    assert len(items(dispute.id)) == before


def test_a_too_long_tracking_number_is_called_too_long(client, auth, world: World):
    dispute = world.open(ago(2), resolution="return_and_refund", amount="50")
    proposal_id = dispute.live_proposals(Actor.BUYER)[0].id
    world.act(
        world.seller,
        dispute,
        Action.ACCEPT_PROPOSAL,
        ago(1),
        lambda c: negotiation.accept_proposal(c, proposal_id),
    )
    auth.login_as(world.buyer)
    refused = client.post(f"/disputes/{dispute.id}/ship-return", data={"tracking_number": "LP" * 100})
    assert refused.status_code == 422
    assert "That tracking number is too long: at most 64 characters." in text(refused)
    empty = client.post(f"/disputes/{dispute.id}/ship-return", data={"tracking_number": " "})
    assert empty.status_code == 422 and "Enter the return parcel&#39;s tracking number." in text(empty)


def test_a_too_long_evidence_request_is_called_too_long(client, auth, world: World):
    dispute = escalated(world)
    world.take(dispute, ago(0.1))  # only the mediator holding the case asks for evidence
    auth.login_as(world.mediator)
    form = {"party": "buyer", "wanted": "A photo. " * 500}
    refused = client.post(f"/disputes/{dispute.id}/request-evidence", data=form)
    assert refused.status_code == 422
    assert "That request is too long: say it in at most 4000 characters." in text(refused)
    assert "Say what evidence you need." not in text(refused)
