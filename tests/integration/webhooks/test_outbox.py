"""Each dispute step writes its webhook messages in its own transaction, in a readable order."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from dispute_world import NOW, World, ago, make_order
from flask import Flask
from sqlalchemy import select

from dispute_engine import Action, FormInvalid
from webapp.core.clock import travel
from webapp.core.extensions import db
from webapp.disputes import lifecycle, negotiation
from webapp.disputes.attachments import NoAttachments
from webapp.evidence.attachments import fingerprint
from webapp.marketplaces.models import demo_marketplace
from webapp.mediation import services as mediation
from webapp.settlement.overdue import find_overdue_refunds
from webapp.webhooks.addresses import check_url
from webapp.webhooks.endpoints import add_endpoint
from webapp.webhooks.models import WebhookMessage


@pytest.fixture
def hooked(world: World) -> World:
    """The demo marketplace with an endpoint (nothing listens there: deliveries just fail)."""
    add_endpoint(demo_marketplace().id, "http://127.0.0.1:9/hooks", None, NOW)
    db.session.commit()
    return world


def events() -> list[str]:
    return list(db.session.scalars(select(WebhookMessage.event_type).order_by(WebhookMessage.id)))


def payloads() -> list[dict[str, Any]]:
    bodies = db.session.scalars(select(WebhookMessage.payload).order_by(WebhookMessage.id))
    return [json.loads(body) for body in bodies]


def test_f1_a_closing_tells_the_refund_that_is_due_and_later_that_it_is_overdue(hooked: World):
    dispute = hooked.open(ago(1))
    proposal = dispute.live_proposals()[0].id
    accept = Action.ACCEPT_PROPOSAL
    hooked.act(hooked.seller, dispute, accept, NOW, lambda c: negotiation.accept_proposal(c, proposal))
    assert events() == ["dispute.opened", "dispute.closed", "refund.due", "dispute.updated"]
    due = payloads()[2]["data"]
    assert due["refund"]["amount"] == "30.00" and due["dispute"]["state"] == "closed"
    assert payloads()[3]["data"]["action"] == "closed"
    travel(db.session, timedelta(days=30))
    assert find_overdue_refunds() == 1
    assert find_overdue_refunds() == 0
    assert events()[-1] == "refund.overdue"


def test_m5_escalation_a_proposed_and_an_agreed_decision_are_each_told(hooked: World):
    hooked.order = make_order(hooked.buyer, hooked.seller, number="H-1", policy="dhgate")
    dispute = hooked.open(ago(6))
    reject = Action.REJECT_REQUEST
    hooked.act(hooked.seller, dispute, reject, ago(5.5), lambda c: negotiation.reject_request(c, {}))
    hooked.act(hooked.buyer, dispute, Action.ESCALATE, NOW - timedelta(hours=2), lifecycle.escalate_by_hand)
    hooked.take(dispute, NOW - timedelta(hours=1.5))
    hooked.act(
        hooked.mediator,
        dispute,
        Action.PROPOSE_DECISION,
        NOW - timedelta(hours=1),
        lambda c: mediation.propose_decision(
            c, [("refund_only", "20.00", "Keep it")], "Half is fair.", fingerprint(c.dispute.id)
        ),
    )
    for party in (hooked.buyer, hooked.seller):
        hooked.act(
            party,
            dispute,
            Action.ANSWER_DECISION,
            NOW,
            lambda c: mediation.answer_decision(c, "1", "", NoAttachments()),
        )
    assert events()[2:] == [
        "dispute.escalated",
        "dispute.updated",  # a mediator took the case
        "dispute.updated",
        "decision.proposed",
        "dispute.updated",
        "dispute.updated",
        "decision.final",
        "dispute.closed",
        "refund.due",
        "dispute.updated",
    ]
    escalated = payloads()[2]["data"]["dispute"]
    assert escalated["state"] == "escalated" and escalated["must_act"] == ["mediator"]


def test_a_refused_action_writes_no_message(hooked: World):
    dispute = hooked.open(ago(1))
    with pytest.raises(FormInvalid):
        say = Action.SEND_MESSAGE
        hooked.act(hooked.buyer, dispute, say, NOW, lambda c: negotiation.send_message(c, " "))
    db.session.rollback()
    assert events() == ["dispute.opened"]


def test_addresses_https_only_in_production_and_never_private_there(app: Flask, monkeypatch: Any):
    assert check_url("http://127.0.0.1:8000/hooks", "development").address == "127.0.0.1"
    for url in (
        "http://example.com/hooks",
        "https://127.0.0.1/hooks",
        "https://[::1]/h",
        "https://10.1.2.3/h",
    ):
        with pytest.raises(FormInvalid):
            check_url(url, "production")
    with pytest.raises(FormInvalid, match="user name"):
        check_url("https://user:pw@example.com/h", "development")
    public = [(2, 1, 6, "", ("93.184.216.34", 443))]
    monkeypatch.setattr("socket.getaddrinfo", lambda *args, **kwargs: public)
    assert check_url("https://hooks.example.com/in?x=1", "production").path == "/in?x=1"
    rebound = [(2, 1, 6, "", ("93.184.216.34", 443)), (2, 1, 6, "", ("192.168.1.5", 443))]
    monkeypatch.setattr("socket.getaddrinfo", lambda *args, **kwargs: rebound)
    with pytest.raises(FormInvalid, match="private or local"):
        check_url("https://hooks.example.com/in", "production")
