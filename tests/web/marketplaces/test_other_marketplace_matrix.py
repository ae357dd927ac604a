"""The "other marketplace" role of the route matrix: every page route that names an object of marketplace A
answers 404 to a mediator and a buyer of marketplace B. The routes come from the URL map."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from dispute_world import NOW, World, ago
from flask import Flask
from sqlalchemy import select

from dispute_engine import Action
from webapp.core.extensions import db
from webapp.disputes import lifecycle, negotiation
from webapp.evidence.models import EvidenceItem
from webapp.history.models import Notification
from webapp.marketplaces.models import Marketplace
from webapp.webhooks.endpoints import add_endpoint
from webapp.webhooks.models import WebhookDelivery

# Staff pages answer 403 to a buyer before looking at any object.
STAFF_ONLY = {"webhooks.again"}

# Routes without an object of A in them (lists of one's own, the login, the API with its own test).
NO_OBJECT = re.compile(
    r"^/(api/|static/|login|logout|outbox|notifications(/bell|/read-all)?$|mediation$|orders$|webhooks$|healthz|readyz|$)"
)
# What each route variable is filled with; values name A's objects.
FILL = {"name": "message", "field": "amount", "variant": "thumb", "position": "1"}
PER_ENDPOINT = {"disputes.part": {"name": "progress"}}


def page_routes(app: Flask) -> list[tuple[str, str, str]]:
    return sorted(
        (rule.rule, method, rule.endpoint)
        for rule in app.url_map.iter_rules()
        if not rule.endpoint.startswith("api.") and not NO_OBJECT.match(rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}
    )


@pytest.fixture
def a_objects(world: World) -> dict[str, str]:
    """Marketplace A (the demo one): an escalated dhgate dispute with evidence, a message, a notification."""
    world.order.policy = "dhgate"
    add_endpoint(world.buyer.marketplace_id, "http://127.0.0.1:9/hooks", None, NOW)
    db.session.commit()
    dispute = world.open(ago(6))
    world.act(
        world.seller, dispute, Action.REJECT_REQUEST, ago(5.5), lambda c: negotiation.reject_request(c, {})
    )
    world.act(world.buyer, dispute, Action.SEND_MESSAGE, ago(5), lambda c: negotiation.send_message(c, "Hi"))
    world.act(world.buyer, dispute, Action.ESCALATE, NOW - timedelta(hours=1), lifecycle.escalate_by_hand)
    item = db.session.scalar(select(EvidenceItem).where(EvidenceItem.dispute_id == dispute.id))
    notification = db.session.scalar(select(Notification.id).where(Notification.dispute_id == dispute.id))
    message = db.session.scalar(select(db.text("id FROM messages")))
    return {
        "dispute_id": str(dispute.id),
        "order_id": str(world.order.id),
        "item_uuid": item.uuid,
        "notification_id": str(notification),
        "message_id": str(message),
        "delivery_id": str(db.session.scalar(select(WebhookDelivery.id))),
        **FILL,
    }


@pytest.mark.parametrize("role", ["mediator", "buyer"])
def test_people_of_another_marketplace_get_404_on_every_route_naming_an_object(
    app: Flask, client, auth, make_user, a_objects: dict[str, str], role: str
):
    other = Marketplace(name="Marketplace B", policy="dhgate")
    db.session.add(other)
    db.session.commit()
    auth.login_as(make_user(role, marketplace=other))
    routes = page_routes(app)
    assert len(routes) >= 10
    for rule, method, endpoint in routes:
        values = {**a_objects, **PER_ENDPOINT.get(endpoint, {})}
        path = re.sub(r"<(?:[^:>]+:)?(\w+)>", lambda m, v=values: v[m[1]], rule)
        answer = client.open(path, method=method, data={"body": "x", "version": "1"})
        expected = 403 if role == "buyer" and endpoint in STAFF_ONLY else 404
        assert answer.status_code == expected, (method, path, endpoint, answer.status_code)
