"""Every route, every method, every kind of visitor: who gets in is written down once, below, as data.

The cases come from `app.url_map`, so a new route (or a new dispute action) without a line in ACCESS
fails here. Each case runs on a fresh world: an escalated dispute with a photo, a thread, the case
held by one mediator who proposed a decision, and a second dispute between two other people.

A visitor let in may still be refused by the rules (409) or a form (400, 422), never with 401, 403,
404 or a 500. Everyone else gets 403 or 404, and an anonymous visitor the login page: never a page
with someone else's data. People of another marketplace get 404 for every object of this one, as if
it did not exist (403 only from pages for staff, before any object is looked at).

The API (`api.*`) has its own matrix of keys and marketplaces: tests/web/api/test_tenant_isolation.py.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from dispute_world import World, ago, make_order
from flask import Flask
from PIL import Image
from sqlalchemy import select
from werkzeug.routing import Rule

from dispute_engine import Action, Actor
from webapp import create_app
from webapp.accounts.models import User
from webapp.core.extensions import db
from webapp.core.storage import storage
from webapp.disputes import negotiation
from webapp.disputes.models import Message
from webapp.disputes.ticking import tick
from webapp.evidence.models import EvidenceItem
from webapp.exports.models import CaseExport, ExportStatus
from webapp.history.models import Notification
from webapp.marketplaces.models import Marketplace
from webapp.mediation import services as mediation
from webapp.orders.listing import PhotoUpload, take_snapshot
from webapp.pages.actions import ACTIONS
from webapp.pages.dispute_context import PARTS
from webapp.webhooks.endpoints import add_endpoint
from webapp.webhooks.models import WebhookDelivery

ANON, BUYER, SELLER = "anonymous", "buyer", "seller"
OTHER_BUYER, OTHER_SELLER = "other_buyer", "other_seller"  # the parties of another dispute
MEDIATOR, UNASSIGNED, LEAD = "mediator", "unassigned_mediator", "lead_mediator"  # holder; two who do not hold
ELSEWHERE_BUYER, ELSEWHERE_MEDIATOR = "buyer_of_another_marketplace", "mediator_of_another_marketplace"
ELSEWHERE = frozenset({ELSEWHERE_BUYER, ELSEWHERE_MEDIATOR})
VISITORS = (ANON, BUYER, SELLER, OTHER_BUYER, OTHER_SELLER, MEDIATOR, UNASSIGNED, LEAD, *sorted(ELSEWHERE))

EVERYONE = frozenset(VISITORS)
SIGNED_IN = EVERYONE - {ANON}
PARTIES = frozenset({BUYER, SELLER})
MEDIATORS = frozenset({MEDIATOR, UNASSIGNED, LEAD})
READERS = PARTIES | MEDIATORS  # who sees the dispute; only its parties and its holder act on it
ACTORS = PARTIES | {MEDIATOR}  # the rules (not access) answer them: 409 for what the state does not allow

# Who is let in, per (endpoint, or endpoint:variable for routes whose last part names what they do).
PUBLIC_PROBE = frozenset(EVERYONE)  # like EVERYONE, for the readiness probe (see _fits)
ACCESS: dict[tuple[str, str], frozenset[str]] = {
    ("static", "GET"): EVERYONE,
    ("accounts.login", "GET"): EVERYONE,
    ("accounts.login", "POST"): EVERYONE,
    ("health.healthz", "GET"): EVERYONE,
    ("health.readyz", "GET"): PUBLIC_PROBE,
    ("accounts.logout", "POST"): EVERYONE,
    ("language.choose", "POST"): EVERYONE,  # the header's language switch, before logging in too
    ("home.index", "GET"): SIGNED_IN,
    ("orders.index", "GET"): SIGNED_IN,
    ("notifications.index", "GET"): SIGNED_IN,
    ("notifications.bell", "GET"): SIGNED_IN,
    ("notifications.mark_all_read", "POST"): SIGNED_IN,
    ("notifications.outbox", "GET"): SIGNED_IN,
    ("notifications.mark_read", "POST"): frozenset({BUYER}),  # the buyer's notification
    ("mediation.queue", "GET"): MEDIATORS | {ELSEWHERE_MEDIATOR},  # each sees their marketplace's queue
    ("webhooks.index", "GET"): MEDIATORS | {ELSEWHERE_MEDIATOR},  # each sees their marketplace's endpoints
    ("webhooks.again", "POST"): MEDIATORS,  # a delivery of this marketplace
    ("login_links.follow", "GET"): EVERYONE,  # an unknown or used link is a page that says so
    ("listing.photo", "GET"): READERS,
    # The dispute's order, which its buyer may not open a second dispute on (O1: 409).
    ("orders.new_dispute", "GET"): frozenset({BUYER}),
    ("orders.dispute_reasons", "GET"): frozenset({BUYER}),
    ("orders.check_field", "POST"): frozenset({BUYER}),
    ("orders.create_dispute", "POST"): frozenset({BUYER}),
    # Extending buyer protection (O10, O11): the order is in dispute, so the rules refuse (409);
    # the other party is told it is not theirs to do (403), everyone else finds no such order (404).
    ("protection.ask", "POST"): frozenset({BUYER}),
    ("protection.answer", "POST"): frozenset({SELLER}),
    ("disputes.show", "GET"): READERS,
    **{(f"disputes.part:{name}", "GET"): READERS for name in PARTS},
    ("disputes.poll", "GET"): READERS,
    # Earlier messages and events (without a cursor, a 400 for those let in); AliExpress mediators
    # do not read the thread (N7).
    ("disputes.earlier_messages", "GET"): PARTIES,
    ("disputes.earlier_events", "GET"): READERS,
    ("evidence.viewer", "GET"): READERS,
    ("evidence.card", "GET"): READERS,
    ("evidence.media:display", "GET"): READERS,
    ("evidence.media:thumb", "GET"): READERS,
    ("evidence.media:original", "GET"): READERS - {SELLER},  # the buyer's photo with its metadata (E3)
    ("evidence.upload", "POST"): PARTIES,
    ("evidence.caption", "POST"): frozenset({BUYER}),  # the buyer's photo
    ("evidence.remove", "POST"): frozenset({BUYER}),
    ("disputes.pin", "POST"): PARTIES,
    # The actions while the platform reviews, with a proposed decision nobody answered yet.
    ("disputes.act:reject-request", "POST"): ACTORS,
    ("disputes.act:accept", "POST"): ACTORS,
    ("disputes.act:reject", "POST"): ACTORS,
    ("disputes.act:add-solution", "POST"): ACTORS,
    ("disputes.act:change-proposal", "POST"): ACTORS,
    ("disputes.act:change", "POST"): ACTORS,
    ("disputes.act:escalate", "POST"): ACTORS,
    ("disputes.act:reopen", "POST"): ACTORS,
    ("disputes.act:appeal", "POST"): ACTORS,
    ("disputes.act:ship-return", "POST"): ACTORS,
    ("disputes.act:confirm-return", "POST"): ACTORS,
    ("disputes.act:return-address", "POST"): ACTORS,
    ("disputes.act:ship-replacement", "POST"): ACTORS,
    ("disputes.act:confirm-replacement", "POST"): ACTORS,
    ("disputes.act:mark-refunded", "POST"): ACTORS,
    ("disputes.act:message", "POST"): PARTIES,
    ("disputes.act:pin", "POST"): PARTIES,
    ("disputes.act:respond", "POST"): PARTIES,
    ("disputes.act:accept-solution", "POST"): PARTIES,
    ("disputes.act:reject-solutions", "POST"): PARTIES,
    ("disputes.act:cancel", "POST"): frozenset({BUYER}),
    ("disputes.act:request-evidence", "POST"): frozenset({MEDIATOR}),
    ("disputes.act:propose-decision", "POST"): frozenset({MEDIATOR}),
    ("disputes.act:final-decision", "POST"): frozenset({MEDIATOR}),
    # Anyone may try to take a case; the holder and the others hear it is held (409).
    ("disputes.act:take-case", "POST"): MEDIATORS,
    ("disputes.act:reassign-case", "POST"): frozenset({LEAD}),
    # A download of the case: anyone who reads the dispute may ask; each download is its asker's alone.
    ("exports.index", "GET"): READERS,
    ("exports.create", "POST"): READERS,
    ("exports.status", "GET"): frozenset({MEDIATOR}),  # the holder's download
    ("exports.download", "GET"): frozenset({MEDIATOR}),
}

# Pages for staff refuse other people (403) before looking at any object.
STAFF_PAGES = {"mediation.queue", "webhooks.index", "webhooks.again"}
LISTING = {
    "title": "Blue teapot",
    "description": "Porcelain, 1 litre.",
    "attributes": {"colour": "blue"},
    "price": "34.50",
    "shipping": "0.00",
    "currency": "USD",
}

# Routes whose last variable says what they do: one case per value.
EXPANDED = {
    "disputes.act": ("name", tuple(ACTIONS)),
    "disputes.part": ("name", PARTS),
    "evidence.media": ("variant", ("display", "thumb", "original")),
}
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def _rules() -> list[Rule]:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return [rule for rule in app.url_map.iter_rules() if not rule.endpoint.startswith("api.")]


def png_bytes() -> bytes:
    """A small real photo for the listing."""
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(out, "PNG")
    return out.getvalue()


def cases() -> Iterator[tuple[str, str, Rule, dict[str, str]]]:
    """(key, method, rule, values of the expanded variable) for every route and method of the app."""
    for rule in _rules():
        for method in sorted((rule.methods or set()) - IGNORED_METHODS):
            if rule.endpoint in EXPANDED:
                variable, values = EXPANDED[rule.endpoint]
                for value in values:
                    yield f"{rule.endpoint}:{value}", method, rule, {variable: value}
            else:
                yield rule.endpoint, method, rule, {}


CASES = list(cases())


def test_every_route_of_the_app_is_in_the_access_data_and_nothing_else_is():
    found = {(key, method) for key, method, _, _ in CASES}
    assert found - ACCESS.keys() == set(), "routes missing from ACCESS"
    assert ACCESS.keys() - found == set(), "ACCESS names routes the app does not have"


@dataclass
class Matrix:
    """The people of the world and the ids that fill the URLs."""

    people: dict[str, User | None]
    values: dict[str, Any]


@pytest.fixture
def matrix(world: World, make_user) -> Matrix:
    add_endpoint(world.buyer.marketplace_id, "http://127.0.0.1:9/hooks", None, ago(10))
    take_snapshot(world.order.id, LISTING, [PhotoUpload("teapot.png", io.BytesIO(png_bytes()))], ago(10))
    dispute = world.open(ago(9))
    world.act(
        world.seller, dispute, Action.REJECT_REQUEST, ago(8.5), lambda c: negotiation.reject_request(c, {})
    )
    for who, said in ((world.buyer, "It arrived broken."), (world.seller, "It left here intact.")):
        world.act(who, dispute, Action.SEND_MESSAGE, ago(8), lambda c, s=said: negotiation.send_message(c, s))
    tick()  # escalated by the clock (N1)
    world.take(dispute, ago(1))
    world.act(
        world.mediator,
        dispute,
        Action.PROPOSE_DECISION,
        ago(0.5),
        lambda c: mediation.propose_decision(c, [("refund_only", "15.00", "")], "", []),
    )
    other_seller = make_user("seller")
    other = World(
        world.outsider,
        other_seller,
        world.mediator,
        world.buyer,
        make_order(world.outsider, other_seller, number="T-2"),
    )
    other.open(ago(1))
    photo = db.session.scalars(select(EvidenceItem).where(EvidenceItem.dispute_id == dispute.id)).first()
    message = db.session.scalars(select(Message).where(Message.dispute_id == dispute.id)).first()
    notification = db.session.scalars(
        select(Notification).where(Notification.user_id == world.buyer.id)
    ).first()
    export = CaseExport(
        uuid=uuid.uuid4().hex,
        dispute_id=dispute.id,
        user_id=world.mediator.id,
        role=Actor.MEDIATOR,
        status=ExportStatus.READY,
        storage_key=f"exports/{dispute.id}/case.zip",
        size=22,
        created_at=ago(0.4),
    )
    storage().put(export.storage_key, io.BytesIO(b"PK\x05\x06" + bytes(18)), content_type="application/zip")
    db.session.add(export)
    elsewhere = Marketplace(name="Another marketplace", policy="dhgate")
    db.session.add(elsewhere)
    db.session.flush()
    people = {
        ELSEWHERE_BUYER: make_user("buyer", marketplace=elsewhere),
        ELSEWHERE_MEDIATOR: make_user("mediator", marketplace=elsewhere),
        ANON: None,
        BUYER: world.buyer,
        SELLER: world.seller,
        OTHER_BUYER: world.outsider,
        OTHER_SELLER: other_seller,
        MEDIATOR: world.mediator,
        UNASSIGNED: make_user("mediator"),
        LEAD: make_user("lead_mediator"),
    }
    values = {
        "dispute_id": dispute.id,
        "order_id": world.order.id,
        "item_uuid": photo.uuid,
        "message_id": message.id,
        "notification_id": notification.id,
        "field": "amount",
        "filename": "css/app.css",
        "position": 1,
        "token": "no-such-link",
        "delivery_id": db.session.scalar(select(WebhookDelivery.id)),
        "export_uuid": export.uuid,
    }
    db.session.commit()
    return Matrix(people, values)


def _visit(auth, client, person: User | None, method: str, url: str, htmx: bool) -> tuple[int, str]:
    if person is None:
        with client.session_transaction() as session:
            session.clear()
    else:
        auth.login_as(person)
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.open(url, method=method, data={} if method == "POST" else None, headers=headers)
    response.close()
    # htmx is sent to the login page by a header, a plain request by a redirect.
    return response.status_code, response.headers.get("Location") or response.headers.get("HX-Redirect", "")


# The test database is built with create_all, not the migrations: readiness honestly says 503.
NOT_READY_IS_AN_ANSWER = 503


def _fits(visitor: str, key: str, let_in: frozenset[str], status: int, location: str) -> bool:
    if visitor in let_in:
        answered = status < 500 or (let_in is PUBLIC_PROBE and status == NOT_READY_IS_AN_ANSWER)
        return answered and status not in (401, 403, 404)
    if visitor == ANON:
        return status in (204, 302, 303) and location.startswith("/login")
    if visitor in ELSEWHERE:
        return status == (403 if visitor == ELSEWHERE_BUYER and key in STAFF_PAGES else 404)
    return status in (403, 404)


@pytest.mark.parametrize(
    ("key", "method", "rule", "fixed"), CASES, ids=[f"{method} {key}" for key, method, _, _ in CASES]
)
def test_each_visitor_gets_in_only_where_the_access_data_lets_them(
    app: Flask, client, auth, matrix: Matrix, key: str, method: str, rule: Rule, fixed: dict[str, str]
):
    let_in = ACCESS[(key, method)]
    arguments = {arg: matrix.values.get(arg) for arg in rule.arguments - fixed.keys()}
    with app.test_request_context():
        url = app.url_for(rule.endpoint, **arguments, **fixed)
    # Those kept out first: a refused request changes nothing, so those let in see the same world.
    # Reading is asked plainly and as htmx (a fragment); an action once, as a form would.
    visits = [
        (visitor, htmx)
        for visitor in sorted(VISITORS, key=lambda v: v in let_in)
        for htmx in ((False, True) if method == "GET" else (False,))
    ]
    answers = {(v, h): _visit(auth, client, matrix.people[v], method, url, h) for v, h in visits}
    wrong = {visit: answer for visit, answer in answers.items() if not _fits(visit[0], key, let_in, *answer)}
    assert wrong == {}, f"{method} {url}: {wrong}; every answer: {answers}"
