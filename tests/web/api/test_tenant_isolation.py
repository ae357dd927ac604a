"""Tenant isolation: a key of marketplace B gets 404 for every object of marketplace A, on every API route.

The routes come from the app's URL map, so a new API route without a case here fails the test.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from api_helpers import Api, make_api, photo_b64
from dispute_world import NOW
from flask import Flask

from dispute_engine import Action
from webapp.core.extensions import db
from webapp.disputes import negotiation
from webapp.disputes.models import Dispute
from webapp.disputes.pipeline import perform

UNSCOPED = {"api.openapi_document", "api.docs_page"}
# What each route is called with: A's objects in the path (and in the body where it names one).
BODIES: dict[tuple[str, str], Any] = {
    ("api.get_user", "GET"): None,
    ("api.get_order", "GET"): None,
    ("api.get_dispute", "GET"): None,
    ("api.get_refund", "GET"): None,
    ("api.shipping_event", "POST"): {"type": "delivered"},
    ("api.open_for_buyer", "POST"): {
        "order": "o-1",
        "received": True,
        "reason": "damaged_in_transit",
        "resolution": "refund_only",
        "amount": "1.00",
        "description": "x",
        "evidence": [{"filename": "p.jpg", "content_base64": photo_b64("B")}],
    },
    ("api.post_message", "POST"): {"author": "b-1", "body": "Hi"},
    ("api.post_evidence", "POST"): {
        "author": "b-1",
        "files": [{"filename": "e.jpg", "content_base64": photo_b64("E")}],
    },
    ("api.mark_paid", "POST"): {"payment_reference": "STOLEN"},
    ("api.create_login_link", "POST"): {},
    ("api.endpoint_deliveries", "GET"): None,
    ("api.delete_endpoint", "DELETE"): None,
    ("api.deliver_again", "POST"): None,
}
# Upserts address the caller's own namespace of external ids: they never reach A's object.
OWN_NAMESPACE = {("api.put_user", "PUT"), ("api.put_order", "PUT"), ("api.create_endpoint", "POST")}
LISTS = {("api.list_disputes", "GET"), ("api.list_endpoints", "GET")}


def api_routes(app: Flask) -> list[tuple[str, str, str]]:
    return sorted(
        (rule.endpoint, method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.") and rule.endpoint not in UNSCOPED
        for method in rule.methods - {"HEAD", "OPTIONS"}
    )


@pytest.fixture
def two(api: Api, client) -> tuple[Api, Api, dict[str, Any]]:
    """Marketplace A (the `api` fixture) with a closed dispute, a pending refund and a webhook endpoint."""
    endpoint = api.post("/webhook-endpoints", {"url": "http://127.0.0.1:9/a"}).json
    api.people_and_order()
    dispute = api.open_dispute()
    seller = db.session.get_one(Dispute, dispute["id"]).order.seller
    proposal = dispute["proposals"][0]["id"]
    perform(
        seller, dispute["id"], Action.ACCEPT_PROPOSAL, NOW, lambda c: negotiation.accept_proposal(c, proposal)
    )
    db.session.commit()
    refund = api.get(f"/disputes/{dispute['id']}").json["refund"]
    delivery = api.get(f"/webhook-endpoints/{endpoint['id']}/deliveries").json["items"][0]
    values = {
        "dispute_id": dispute["id"],
        "refund_id": refund["id"],
        "endpoint_id": endpoint["id"],
        "delivery_id": delivery["id"],
    }
    return api, make_api(client, "Other"), values


def test_every_api_route_has_a_case(app: Flask):
    known = set(BODIES) | OWN_NAMESPACE | LISTS
    assert {(endpoint, method) for endpoint, method, _ in api_routes(app)} == known


def test_a_key_of_another_marketplace_gets_404_for_every_object(app: Flask, two):
    a, b, values = two
    for endpoint, method, rule in api_routes(app):
        if (endpoint, method) not in BODIES:
            continue
        external = "b-1" if endpoint.endswith(("get_user", "create_login_link")) else "o-1"
        path = re.sub(r"<(?:[^:>]+:)?(\w+)>", lambda m, e=external: str(values.get(m[1], e)), rule)
        body = BODIES[(endpoint, method)]
        answer = b.client.open(path, method=method, json=body, headers=b.headers())
        assert answer.status_code == 404, (endpoint, answer.status_code, answer.json)
        assert answer.mimetype == "application/problem+json"
    assert a.get(f"/refunds/{values['refund_id']}").json["status"] == "pending"


def test_another_marketplace_lists_none_of_its_disputes_and_upserts_only_its_own(two):
    a, b, _ = two
    assert b.get("/disputes").json["items"] == []
    assert b.get("/webhook-endpoints").json["items"] == []
    mine = b.put("/users/b-1", {"role": "buyer", "name": "Not A's", "email": "b-1@other.example"})
    assert mine.status_code == 200 and mine.json["id"] != a.get("/users/b-1").json["id"]
    assert a.get("/users/b-1").json["name"] == "Buyer One"
