"""The home pages per role: a party's disputes waiting on it first, the mediator's queue (H3, M1, M8, E4)."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from dispute_world import NOW, World, ago, make_order
from sql_counting import counted_statements

from dispute_engine import Action, Actor
from webapp.accounts.models import User
from webapp.core.extensions import db
from webapp.dashboard.listing import batch_facts
from webapp.disputes import negotiation
from webapp.disputes.facts import dispute_facts
from webapp.disputes.models import Dispute
from webapp.disputes.ticking import tick
from webapp.mediation import services as mediation

HX = {"HX-Request": "true"}
NOT_RECEIVED = {"received": "no", "reason": "no_tracking"}  # no photo needed: quicker to open


def text(response) -> str:
    return response.get_data(as_text=True)


def dispute_on(
    world: World, number: str, *, buyer: User | None = None, policy: str = "aliexpress", at: datetime, **form
) -> Dispute:
    """A new order `number` between `buyer` (the world's by default) and the seller, and its dispute."""
    buyer = buyer or world.buyer
    saved = world.order, world.buyer
    world.order, world.buyer = make_order(buyer, world.seller, number=number, policy=policy), buyer
    try:
        return world.open(at, **{**NOT_RECEIVED, **form})
    finally:
        world.order, world.buyer = saved


def reject(world: World, dispute: Dispute, at: datetime) -> None:
    world.act(world.seller, dispute, Action.REJECT_REQUEST, at, lambda c: negotiation.reject_request(c, {}))


def negotiating(world: World, number: str, **kwargs) -> Dispute:
    """Opened two days ago, rejected by the seller: both parties must act, five days left (N1)."""
    dispute = dispute_on(world, number, at=ago(2), **kwargs)
    reject(world, dispute, ago(1))
    return dispute


def escalated(world: World, number: str, **kwargs) -> Dispute:
    """Opened nine days ago, rejected, escalated by the N1 clock two days ago."""
    dispute = dispute_on(world, number, at=ago(9), **kwargs)
    reject(world, dispute, ago(8))
    tick()
    return world.reload(dispute)


def ask_evidence(world: World, dispute: Dispute, party: str, days: str) -> None:
    world.take(dispute, NOW)
    world.act(
        world.mediator,
        dispute,
        Action.REQUEST_EVIDENCE,
        NOW,
        lambda c: mediation.request_evidence(c, party, "A photo of the label", days),
    )


def propose(world: World, dispute: Dispute) -> None:
    world.take(dispute, NOW)
    world.act(
        world.mediator,
        dispute,
        Action.PROPOSE_DECISION,
        NOW,
        lambda c: mediation.propose_decision(c, [("refund_only", "15.00", "Keep it")], "Half back", []),
    )


def accepted_by_seller(world: World, number: str, **kwargs) -> Dispute:
    """Closed by the seller accepting the request (S2): a refund is pending."""
    dispute = dispute_on(world, number, at=ago(3), **kwargs)
    proposal_id = dispute.live_proposals(Actor.BUYER)[0].id
    world.act(
        world.seller,
        dispute,
        Action.ACCEPT_PROPOSAL,
        ago(2),
        lambda c: negotiation.accept_proposal(c, proposal_id),
    )
    return dispute


def order_numbers(html: str) -> list[str]:
    """The order numbers of the dispute rows, top to bottom."""
    return re.findall(r'<td data-label="Order"><span class="mono">([^<]+)</span>', html)


def sections(html: str) -> tuple[str, str, str]:
    """The home page split into: waiting for me, my other disputes, orders without a dispute."""
    mine, _, rest = html.partition('id="others-title"')
    others, _, orders = rest.partition('id="orders-title"')
    return mine, others, orders


# --- Buyer and seller home -------------------------------------------------------------------


def test_h3_the_home_lists_disputes_waiting_on_me_first_with_the_time_left(client, auth, world: World):
    waiting_for_seller = dispute_on(world, "T-10", at=ago(1))
    negotiating(world, "T-20")
    accepted_by_seller(world, "T-30")
    auth.login_as(world.buyer)
    page = text(client.get("/"))
    mine, others, orders = sections(page)
    assert order_numbers(mine) == ["T-20"]  # N1: both parties must act while negotiating
    assert order_numbers(others) == ["T-10", "T-30"]  # running before finished
    assert re.search(
        r"data-countdown=\"\d+\">4 days 23 h \d+ min left</time>", mine
    )  # five days from opening
    assert "Who acts" in page and "You and the seller" in mine
    assert "T-1" in orders and "Go to My orders" in orders  # the world's order has no dispute yet
    auth.login_as(world.seller)
    seller_page = text(client.get("/"))
    mine, others, _ = sections(seller_page)
    assert order_numbers(mine) == ["T-10", "T-20", "T-30"]  # S1 answer, N1, the pending refund (F1)
    assert waiting_for_seller.order.item_title in mine and "you sold" in mine


@pytest.mark.parametrize(
    ("stage", "shown"),
    [
        ("seller_response", ["T-10"]),
        ("negotiation", ["T-20"]),
        ("refund", ["T-30"]),
        ("opened", ["T-20", "T-10"]),
        ("closed", []),
        ("nonsense", ["T-20", "T-10", "T-30"]),
    ],
)
def test_h3_the_stage_filter_keeps_the_disputes_at_that_stage(client, auth, world: World, stage, shown):
    dispute_on(world, "T-10", at=ago(1))
    negotiating(world, "T-20")
    accepted_by_seller(world, "T-30")
    auth.login_as(world.buyer)
    page = text(client.get("/", query_string={"stage": stage}))
    assert order_numbers(page) == shown
    assert ('id="orders-title"' in page) is (stage == "nonsense")  # orders have no stage


def test_the_order_number_search_finds_disputes_and_orders_case_insensitively(client, auth, world: World):
    negotiating(world, "AE-500")
    negotiating(world, "AE-600")
    make_order(world.buyer, world.seller, number="AE-501")
    auth.login_as(world.buyer)
    page = text(client.get("/?q=ae-50"))
    assert order_numbers(page) == ["AE-500"]
    assert "AE-501" in sections(page)[2] and "AE-600" not in page
    assert order_numbers(text(client.get("/?q=%25"))) == []  # a LIKE wildcard is just a character


def test_the_home_page_and_its_results_fragment_share_one_url(client, auth, world: World):
    negotiating(world, "T-20")
    auth.login_as(world.buyer)
    page = client.get("/?stage=negotiation")
    assert text(page).lstrip().lower().startswith("<!doctype html>")
    assert 'id="home-results"' in text(page) and 'hx-push-url="true"' in text(page)
    fragment = client.get("/?stage=negotiation", headers=HX)
    body = text(fragment).strip()
    assert body.startswith('<div id="home-results"') and body.endswith("</div>")
    assert body.count('id="home-results"') == 1 and "<html" not in body and "<form" not in body
    assert order_numbers(body) == ["T-20"]
    for response in (page, fragment):
        assert "HX-Request" in response.headers["Vary"]
    boosted = client.get("/", headers={**HX, "HX-Boosted": "true"})
    assert text(boosted).lstrip().lower().startswith("<!doctype html>")


def test_e4_a_buyer_never_sees_other_peoples_disputes_or_orders(client, auth, world: World):
    negotiating(world, "T-MINE")
    negotiating(world, "T-THEIRS", buyer=world.outsider)
    auth.login_as(world.buyer)
    page = text(client.get("/"))
    assert "T-MINE" in page and "T-THEIRS" not in page
    assert "T-THEIRS" not in text(client.get("/?q=THEIRS"))
    auth.login_as(world.outsider)
    assert order_numbers(text(client.get("/"))) == ["T-THEIRS"]


def test_a_mediator_starting_at_home_goes_to_the_queue(client, auth, world: World):
    auth.login_as(world.mediator)
    response = client.get("/")
    assert response.status_code == 303 and response.headers["Location"] == "/mediation"


# --- The mediator's queue --------------------------------------------------------------------


@pytest.fixture
def queue_world(world: World, make_user) -> dict[str, Dispute]:
    """Five disputes escalated two days ago, every M1 status, due at distinct times whatever the weekday.

    Q-GOLD (dhgate, gold, untouched): first contact within 2 business days (M8), by now + 2 days at most;
    Q-BUY (aliexpress): the buyer's evidence in 3 days; Q-BOTH (aliexpress): answers in 4 days (M4);
    Q-SELL (dhgate): the seller's evidence in 6 days; Q-PROC (dhgate, regular, untouched): first contact
    within 7 business days, at least now + 7 days.
    """
    gold = make_user("buyer", tier="gold")
    disputes = {
        "processing": escalated(world, "Q-PROC", policy="dhgate"),
        "waiting_both": escalated(world, "Q-BOTH"),
        "waiting_seller": escalated(world, "Q-SELL", policy="dhgate"),
        "waiting_buyer": escalated(world, "Q-BUY"),
        "gold": escalated(world, "Q-GOLD", buyer=gold, policy="dhgate"),
    }
    propose(world, disputes["waiting_both"])
    ask_evidence(world, disputes["waiting_seller"], "seller", "6")
    ask_evidence(world, disputes["waiting_buyer"], "buyer", "3")
    negotiating(world, "Q-NOT-ESCALATED")
    return disputes


def count_of(html: str, status: str) -> int:
    found = re.search(rf'id="count-{status}"[^>]*>\s*<span class="status-counts__n">(\d+)</span>', html)
    assert found, status
    return int(found.group(1))


def test_m1_the_queue_counts_escalated_disputes_per_status(client, auth, world: World, queue_world):
    auth.login_as(world.mediator)
    page = text(client.get("/mediation"))
    counts = {s: count_of(page, s) for s in ("processing", "waiting_buyer", "waiting_seller", "waiting_both")}
    assert counts == {"processing": 2, "waiting_buyer": 1, "waiting_seller": 1, "waiting_both": 1}
    for label in ("Processing", "Waiting for the buyer&#39;s response", "Waiting for both parties&#39;"):
        assert label in page
    assert "Q-NOT-ESCALATED" not in page


def test_m8_the_queue_is_ordered_by_when_the_mediator_must_act(client, auth, world: World, queue_world):
    auth.login_as(world.mediator)
    page = text(client.get("/mediation"))
    assert order_numbers(page) == ["Q-GOLD", "Q-BUY", "Q-BOTH", "Q-SELL", "Q-PROC"]
    assert "First contact with a gold member" in page and "First contact with a regular member" in page
    assert "Evidence due from the buyer" in page and "Answers to the solutions due" in page
    assert re.search(r"<time[^>]*>2 days 23 h \d+ min left</time>", page)  # the buyer's 3 days


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ({"policy": "dhgate"}, ["Q-GOLD", "Q-SELL", "Q-PROC"]),
        ({"policy": "aliexpress"}, ["Q-BUY", "Q-BOTH"]),
        ({"tier": "gold"}, ["Q-GOLD"]),
        ({"tier": "regular"}, ["Q-BUY", "Q-BOTH", "Q-SELL", "Q-PROC"]),
        ({"status": "waiting_buyer"}, ["Q-BUY"]),
        ({"status": "waiting_both"}, ["Q-BOTH"]),
        ({"status": "processing", "tier": "regular"}, ["Q-PROC"]),
        ({"status": "processing", "policy": "aliexpress"}, []),
        ({"policy": "nowhere", "status": "?"}, ["Q-GOLD", "Q-BUY", "Q-BOTH", "Q-SELL", "Q-PROC"]),
    ],
)
def test_m1_m8_the_queue_filters_by_policy_tier_and_status(
    client, auth, world: World, queue_world, query, shown
):
    auth.login_as(world.mediator)
    assert order_numbers(text(client.get("/mediation", query_string=query))) == shown


def test_m1_the_counts_follow_the_policy_and_tier_filters_but_not_the_status_one(
    client, auth, world: World, queue_world
):
    auth.login_as(world.mediator)
    page = text(client.get("/mediation?status=waiting_buyer&tier=regular"))
    assert count_of(page, "processing") == 1 and count_of(page, "waiting_buyer") == 1
    assert 'id="count-waiting_buyer" aria-current="true"' in page


def test_the_queue_answers_htmx_with_its_results_fragment(client, auth, world: World, queue_world):
    auth.login_as(world.mediator)
    page = client.get("/mediation?tier=gold")
    fragment = client.get("/mediation?tier=gold", headers=HX)
    assert "<h1>Escalated disputes</h1>" in text(page) and 'id="queue-results"' in text(page)
    body = text(fragment).strip()
    assert body.startswith('<div id="queue-results"') and "<h1>" not in body
    assert order_numbers(body) == ["Q-GOLD"]
    assert "HX-Request" in page.headers["Vary"] and "HX-Request" in fragment.headers["Vary"]


@pytest.mark.parametrize("role", ["buyer", "seller"])
def test_a_party_gets_403_at_the_mediation_queue(client, auth, world: World, role):
    auth.login_as(getattr(world, role))
    assert client.get("/mediation").status_code == 403
    assert client.get("/mediation", headers=HX).status_code == 403


# --- Bounded queries -------------------------------------------------------------------------


def add_mix(world: World, start: int, copies: int) -> None:
    """Per copy: one waiting for the seller, one escalated with a decision, one closed with a refund."""
    for n in range(start, start + copies):
        dispute_on(world, f"M-{n}-A", at=ago(1))
        propose(world, escalated(world, f"M-{n}-B"))
        accepted_by_seller(world, f"M-{n}-C")


def measured(client, auth, user: User, url: str, rows: int) -> list[str]:
    """The SQL statements of one GET of `url` as `user`, after a first GET that warms the caches."""
    auth.login_as(user)
    client.get(url)
    with counted_statements() as statements:
        assert len(order_numbers(text(client.get(url)))) == rows
    return statements


def test_the_home_pages_run_the_same_number_of_queries_for_3_and_30_disputes(client, auth, world: World):
    add_mix(world, 0, 1)
    few = measured(client, auth, world.buyer, "/", 3)
    few_queue = measured(client, auth, world.mediator, "/mediation", 1)
    add_mix(world, 1, 9)
    many = measured(client, auth, world.buyer, "/", 30)
    many_queue = measured(client, auth, world.mediator, "/mediation", 10)
    assert len(many) == len(few), (len(few), len(many))
    assert len(many_queue) == len(few_queue), (len(few_queue), len(many_queue))
    assert len(few) <= 12 and len(few_queue) <= 12, (few, few_queue)


def test_the_batch_loader_builds_the_same_facts_as_dispute_facts(world: World):
    add_mix(world, 0, 2)
    ask_evidence(world, escalated(world, "F-REQ"), "buyer", "3")
    returned = dispute_on(
        world, "F-RET", at=ago(3), received="yes", reason="damaged_in_transit", resolution="return_and_refund"
    )
    proposal_id = returned.live_proposals(Actor.BUYER)[0].id
    world.act(
        world.seller,
        returned,
        Action.ACCEPT_PROPOSAL,
        ago(2),
        lambda c: negotiation.accept_proposal(c, proposal_id),
    )
    db.session.expire_all()
    disputes = list(db.session.scalars(db.select(Dispute).order_by(Dispute.id)))
    assert len(disputes) == 8
    assert batch_facts(disputes) == [dispute_facts(d) for d in disputes]
