"""Disputes through the API: opened for the buyer, read in full, acted on through the same pipeline."""

from __future__ import annotations

from datetime import timedelta

from api_helpers import Api, photo_b64
from dispute_world import NOW

from dispute_engine import Action, State
from webapp.api.idempotency import forget_old_answers
from webapp.core.clock import travel
from webapp.core.extensions import db
from webapp.disputes import negotiation
from webapp.disputes.models import Dispute
from webapp.disputes.pipeline import perform
from webapp.history.models import Event


def test_a_dispute_opened_for_the_buyer_is_shown_with_its_evidence_and_listing(api: Api):
    api.people_and_order()
    dispute = api.open_dispute()
    assert dispute["state"] == "awaiting_seller" and dispute["must_act"] == ["seller"]
    assert dispute["order"] == "o-1" and dispute["listing"]["title"] == "Ceramic teapot"
    assert [p["resolution"] for p in dispute["proposals"]] == ["refund_only"]
    assert len(dispute["evidence"]) == 1 and len(dispute["evidence"][0]["sha256"]) == 64
    assert db.session.scalar(db.select(Event.action).where(Event.dispute_id == dispute["id"])) == "opened"


def test_o2_opening_before_dispatch_is_refused_with_the_rule_id(api: Api):
    api.people_and_order(delivered=False)
    api.put(
        "/orders/o-2",
        {
            "buyer": "b-1",
            "seller": "s-1",
            "currency": "USD",
            "paid_at": NOW.isoformat(),
            "listing": {"title": "Lamp", "price": "10.00"},
        },
    )
    refused = api.post(
        "/disputes",
        {
            "order": "o-2",
            "received": False,
            "reason": "no_tracking",
            "resolution": "refund_only",
            "amount": "5.00",
            "description": "Never came",
        },
    )
    assert refused.status_code == 409
    assert refused.mimetype == "application/problem+json"
    assert refused.json["rule"].startswith("O") and refused.json["type"].endswith("rule-violation")


def test_o1_a_second_dispute_is_refused_and_o4_a_missing_photo_is_a_field_error(api: Api):
    api.people_and_order()
    no_photo = api.post(
        "/disputes",
        {
            "order": "o-1",
            "received": True,
            "reason": "damaged_in_transit",
            "resolution": "refund_only",
            "amount": "30.00",
            "description": "Cracked",
        },
    )
    assert no_photo.status_code == 422 and "evidence" in no_photo.json["errors"]
    api.open_dispute()
    twice = api.post(
        "/disputes", {**_opening(), "evidence": [{"filename": "c.jpg", "content_base64": photo_b64("Other")}]}
    )
    assert twice.status_code == 409 and twice.json["rule"] == "O1"


def _opening() -> dict:
    return {
        "order": "o-1",
        "received": True,
        "reason": "damaged_in_transit",
        "resolution": "refund_only",
        "amount": "30.00",
        "description": "Cracked",
    }


def test_messages_and_evidence_are_posted_for_a_party_through_the_pipeline(api: Api):
    api.people_and_order()
    dispute = api.open_dispute()
    said = api.post(f"/disputes/{dispute['id']}/messages", {"author": "s-1", "body": "Sorry! Photo please?"})
    assert said.status_code == 201
    added = api.post(
        f"/disputes/{dispute['id']}/evidence",
        {
            "author": "s-1",
            "caption": "Packed well",
            "files": [{"filename": "box.jpg", "content_base64": photo_b64("Box")}],
        },
    )
    assert added.status_code == 201 and added.json["items"][0]["party"] == "seller"
    shown = api.get(f"/disputes/{dispute['id']}").json
    assert [(m["author"], m["party"]) for m in shown["thread"]] == [("s-1", "seller")]
    assert len(shown["evidence"]) == 2
    stranger = api.post(f"/disputes/{dispute['id']}/messages", {"author": "nobody", "body": "Hi"})
    assert stranger.status_code == 404
    empty = api.post(f"/disputes/{dispute['id']}/messages", {"author": "b-1", "body": "  "})
    assert empty.status_code == 422 and "body" in empty.json["errors"]


def test_the_same_idempotency_key_and_body_answer_once_and_another_body_is_422(api: Api):
    api.people_and_order()
    dispute = api.open_dispute()
    path, body = f"/disputes/{dispute['id']}/messages", {"author": "b-1", "body": "Hello"}
    first = api.post(path, body, key="k-1")
    again = api.post(path, body, key="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    assert len(api.get(f"/disputes/{dispute['id']}").json["thread"]) == 1
    other = api.post(path, {"author": "b-1", "body": "Hello again"}, key="k-1")
    assert other.status_code == 422 and other.json["type"].endswith("idempotency-key-reused")
    travel(db.session, timedelta(hours=25))
    assert forget_old_answers() == 1
    assert api.post(path, {"author": "b-1", "body": "Hello again"}, key="k-1").status_code == 201


def test_f1_a_refund_is_paid_once_with_the_marketplaces_reference(api: Api):
    api.people_and_order()
    dispute = api.open_dispute()
    seller = db.session.get_one(Dispute, dispute["id"]).order.seller
    proposal = dispute["proposals"][0]["id"]
    perform(
        seller, dispute["id"], Action.ACCEPT_PROPOSAL, NOW, lambda c: negotiation.accept_proposal(c, proposal)
    )
    db.session.commit()
    refund = api.get(f"/disputes/{dispute['id']}").json["refund"]
    assert refund["status"] == "pending" and refund["amount"] == "30.00"
    paid = api.post(f"/refunds/{refund['id']}/paid", {"payment_reference": "PAY-1"})
    assert paid.status_code == 200 and paid.json["status"] == "refunded"
    assert api.post(f"/refunds/{refund['id']}/paid", {"payment_reference": "PAY-1"}).json == paid.json
    other = api.post(f"/refunds/{refund['id']}/paid", {"payment_reference": "PAY-2"})
    assert other.status_code == 409
    assert api.get(f"/refunds/{refund['id']}").json["payment_reference"] == "PAY-1"


def test_the_list_pages_by_cursor_and_filters_by_state_and_updated_since(api: Api):
    api.people_and_order()
    for n in range(2, 5):
        api.people_and_order(order_id=f"o-{n}")
    ids = [api.open_dispute(order_id=f"o-{n}")["id"] for n in range(1, 5)]
    seen, cursor = [], None
    while True:
        page = api.get("/disputes", query_string={"limit": 3, **({"cursor": cursor} if cursor else {})}).json
        seen += [d["id"] for d in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(ids) and len(seen) == 4
    assert api.get("/disputes", query_string={"state": "closed"}).json["items"] == []
    later = (NOW + timedelta(days=1)).isoformat()
    assert api.get("/disputes", query_string={"updated_since": later}).json["items"] == []
    assert api.get("/disputes", query_string={"cursor": "garbage"}).status_code == 422
    assert api.get("/disputes", query_string={"state": "nonsense"}).status_code == 422
    assert {State(d["state"]) for d in api.get("/disputes").json["items"]} == {State.AWAITING_SELLER}
