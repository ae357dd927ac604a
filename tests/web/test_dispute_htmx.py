"""The dispute page over htmx: fragments with HX-Request, whole pages without, quiet polls."""

from __future__ import annotations

import re

import pytest
from dispute_world import NOW, World, ago, make_order
from sql_counting import counted_statements

from dispute_engine import Action, Actor
from webapp.core.extensions import db
from webapp.disputes import negotiation
from webapp.disputes.models import Message
from webapp.history.record import record

HX = {"HX-Request": "true"}


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.mark.parametrize("name", ["progress", "proposals", "history", "evidence", "dispute-actions"])
def test_h3_each_part_is_a_fragment_with_htmx_and_the_whole_page_without(client, auth, world: World, name):
    dispute = world.open(ago(1))
    auth.login_as(world.buyer)
    fragment = client.get(f"/disputes/{dispute.id}/parts/{name}", headers=HX)
    page = client.get(f"/disputes/{dispute.id}/parts/{name}")
    assert fragment.status_code == page.status_code == 200
    assert text(fragment).lstrip().startswith(f'<section id="{name}"')
    assert "<html" not in text(fragment) and "<html" in text(page)
    assert "HX-Request" in fragment.headers["Vary"] and "HX-Request" in page.headers["Vary"]


def test_h3_the_progress_bar_names_its_stage_and_the_time_left(client, auth, world: World):
    dispute = world.open(ago(1))
    auth.login_as(world.seller)
    html = text(client.get(f"/disputes/{dispute.id}/parts/progress", headers=HX))
    assert 'role="progressbar"' in html and 'aria-label="Dispute progress"' in html
    assert 'aria-valuetext="Seller response"' in html
    assert "Who must act: <strong>you</strong>" in html and "data-countdown" in html


def test_n7_sending_with_htmx_returns_the_thread_and_a_fresh_form(client, auth, world: World):
    dispute = world.open(ago(1))
    auth.login_as(world.buyer)
    sent = client.post(
        f"/disputes/{dispute.id}/message", data={"body": "Hello", "version": dispute.version}, headers=HX
    )
    assert sent.status_code == 200
    assert '<div id="thread-messages"' in text(sent) and "Hello" in text(sent)
    assert 'id="thread-form"' in text(sent) and 'hx-swap-oob="true"' in text(sent)


def test_n7_a_message_written_before_the_other_party_acted_is_still_sent(client, auth, world: World):
    dispute = world.open(ago(2))
    form_version = world.reload(dispute).version
    world.act(
        world.seller, dispute, Action.REJECT_REQUEST, ago(1), lambda c: negotiation.reject_request(c, {})
    )
    auth.login_as(world.buyer)
    sent = client.post(
        f"/disputes/{dispute.id}/message", data={"body": "Why?", "version": form_version}, headers=HX
    )
    assert sent.status_code == 200 and "Why?" in text(sent)
    assert db.session.query(Message).one().body == "Why?"


def test_an_htmx_action_swaps_the_changed_parts_instead_of_redirecting(client, auth, world: World):
    dispute = world.open(ago(1))
    auth.login_as(world.seller)
    response = client.post(
        f"/disputes/{dispute.id}/reject-request", data={"version": dispute.version}, headers=HX
    )
    assert response.status_code == 200
    html = text(response)
    assert "You rejected the request." in html
    assert '<section id="progress"' in html and 'hx-swap-oob="true"' in html
    assert 'aria-valuetext="Negotiation"' in html


def test_a_refused_htmx_action_shows_the_reason_in_place_and_changes_nothing(client, auth, world: World):
    dispute = world.open(ago(2))
    world.act(
        world.seller, dispute, Action.REJECT_REQUEST, ago(1), lambda c: negotiation.reject_request(c, {})
    )
    auth.login_as(world.seller)
    version = world.reload(dispute).version
    response = client.post(
        f"/disputes/{dispute.id}/add-solution",
        data={"resolution": "refund_only", "amount": "999", "version": version},
        headers=HX,
    )
    assert response.status_code == 422
    assert response.headers["HX-Retarget"] == "#dispute-status"
    assert "more than the order total" in text(response)
    assert world.reload(dispute).live_proposals(Actor.SELLER) == []


def test_n4_accept_with_htmx_first_asks_in_the_page_and_says_the_amount(client, auth, world: World):
    dispute = world.open(ago(1))
    proposal_id = dispute.live_proposals(Actor.BUYER)[0].id
    auth.login_as(world.seller)
    box = client.post(
        f"/disputes/{dispute.id}/accept",
        data={"proposal_id": proposal_id, "version": dispute.version},
        headers=HX,
    )
    assert box.status_code == 200
    assert 'role="alertdialog"' in text(box)
    assert "the dispute closes and 30.00 USD will be refunded" in text(box)
    assert "<html" not in text(box)


def test_n7_the_mediator_does_not_read_an_aliexpress_thread_but_reads_a_dhgate_one(
    client, auth, world: World
):
    from dispute_world import ago as days_ago

    dispute = world.open(days_ago(9))
    world.act(
        world.seller, dispute, Action.REJECT_REQUEST, days_ago(8), lambda c: negotiation.reject_request(c, {})
    )
    world.act(
        world.buyer,
        dispute,
        Action.SEND_MESSAGE,
        days_ago(7.5),
        lambda c: negotiation.send_message(c, "Secret offer"),
    )
    auth.login_as(world.mediator)
    page = text(client.get(f"/disputes/{dispute.id}"))
    assert "Negotiation thread" not in page and "Secret offer" not in page

    order = make_order(world.buyer, world.seller, number="H-9", policy="dhgate")
    world.order = order
    other = world.open(days_ago(6))
    world.act(
        world.seller, other, Action.REJECT_REQUEST, days_ago(5.5), lambda c: negotiation.reject_request(c, {})
    )
    world.act(
        world.buyer, other, Action.SEND_MESSAGE, days_ago(5), lambda c: negotiation.send_message(c, "Open")
    )
    from webapp.disputes import lifecycle

    world.act(world.buyer, other, Action.ESCALATE, days_ago(0.5), lifecycle.escalate_by_hand)
    assert "Open" in text(client.get(f"/disputes/{other.id}"))


def grow(world: World, dispute, messages: int) -> None:
    """Add messages and history events straight to the tables (fast), as a long dispute would have."""
    for n in range(messages):
        db.session.add(
            Message(
                dispute_id=dispute.id,
                author_id=world.buyer.id,
                party=Actor.BUYER,
                body=f"Message {n}",
                created_at=NOW,
            )
        )
        record(
            dispute.id,
            [],
            actor=Actor.BUYER,
            user=world.buyer,
            action="message",
            summary=f"Message {n}",
            at=NOW,
        )
    db.session.commit()


def test_the_dispute_page_runs_the_same_number_of_queries_whatever_its_size(client, auth, world: World):
    small = world.open(ago(2))
    world.act(world.seller, small, Action.REJECT_REQUEST, ago(1), lambda c: negotiation.reject_request(c, {}))
    world.order = make_order(world.buyer, world.seller, number="T-big")
    big = world.open(ago(2))
    world.act(world.seller, big, Action.REJECT_REQUEST, ago(1), lambda c: negotiation.reject_request(c, {}))
    grow(world, small, 2)
    grow(world, big, 120)
    auth.login_as(world.buyer)
    client.get(f"/disputes/{small.id}")  # warm caches (policies, login) and read the notifications
    client.get(f"/disputes/{big.id}")
    with counted_statements() as few:
        assert client.get(f"/disputes/{small.id}").status_code == 200
    with counted_statements() as many:
        assert client.get(f"/disputes/{big.id}").status_code == 200
    assert len(many) == len(few), (len(few), len(many))
    assert len(few) < 40


def escalated_with_two_solutions(world: World):
    from webapp.disputes.ticking import tick
    from webapp.mediation import services as mediation

    dispute = world.open(ago(9))
    world.act(
        world.seller, dispute, Action.REJECT_REQUEST, ago(8), lambda c: negotiation.reject_request(c, {})
    )
    tick()
    solutions = [("refund_only", "15.00", "Keep it"), ("return_and_refund", "50.00", "Send it back")]
    world.take(dispute, NOW)
    world.act(
        world.mediator,
        dispute,
        Action.PROPOSE_DECISION,
        NOW,
        lambda c: mediation.propose_decision(c, solutions, "Half back, or all after a return", []),
    )
    return world.reload(dispute)


def test_m4_m5_each_solution_is_a_card_with_accept_and_the_answers_show_once_given(
    client, auth, world: World
):
    dispute = escalated_with_two_solutions(world)
    auth.login_as(world.buyer)
    page = text(client.get(f"/disputes/{dispute.id}"))
    assert page.count('id="solution-') == 2 and "Reject the solutions" in page
    box = client.post(
        f"/disputes/{dispute.id}/accept-solution",
        data={"solution": "1", "version": dispute.version},
        headers=HX,
    )
    assert "Solution 1: Refund only, 15.00 USD" in text(box)
    done = client.post(
        f"/disputes/{dispute.id}/accept-solution",
        data={"solution": "1", "version": dispute.version, "confirm": "yes"},
        headers=HX,
    )
    assert done.status_code == 200 and "You accepted this" in text(done)
    auth.login_as(world.seller)
    seller_page = text(client.get(f"/disputes/{dispute.id}"))
    assert "The buyer accepted this" in seller_page
    client.post(
        f"/disputes/{dispute.id}/accept-solution",
        data={"solution": "1", "version": world.reload(dispute).version, "confirm": "yes"},
    )
    assert "both parties accepted the platform" in text(client.get(f"/disputes/{dispute.id}")).lower()


def test_m6_rejecting_the_solutions_takes_a_comment_and_sends_it_back_to_the_mediator(
    client, auth, world: World
):
    dispute = escalated_with_two_solutions(world)
    auth.login_as(world.seller)
    response = client.post(
        f"/disputes/{dispute.id}/reject-solutions",
        data={"comment": "The box was fine", "version": dispute.version},
        headers=HX,
    )
    assert response.status_code == 200
    assert "The box was fine" in text(response) and "Platform status: <strong>Processing" in text(response)


def test_c3_submitting_a_complaint_confirms_in_the_page_first(client, auth, world: World):
    from webapp.disputes.ticking import tick

    dispute = world.open(ago(6))
    tick()
    auth.login_as(world.buyer)
    data = {
        "appeal_reason": "result",
        "appeal_description": "No refund came",
        "version": world.reload(dispute).version,
    }
    box = client.post(f"/disputes/{dispute.id}/appeal", data=data, headers=HX)
    assert 'role="alertdialog"' in text(box) and "once per order" in text(box)
    assert 'value="No refund came"' in text(box)
    client.post(f"/disputes/{dispute.id}/appeal", data={**data, "confirm": "yes"}, headers=HX)
    assert world.reload(dispute).appealed_at is not None


def test_h3_f1_an_overdue_refund_says_how_late_it_is_on_the_page_and_the_sellers_home(
    client, auth, world: World
):
    dispute = world.open(ago(30))
    proposal_id = dispute.live_proposals(Actor.BUYER)[0].id
    world.act(
        world.seller,
        dispute,
        Action.ACCEPT_PROPOSAL,
        ago(29),
        lambda c: negotiation.accept_proposal(c, proposal_id),
    )
    auth.login_as(world.seller)
    page = text(client.get(f"/disputes/{dispute.id}"))
    home = text(client.get("/"))
    for html in (page, home):
        assert re.search(r">overdue by \d+ days \d+ h \d+ min</time>", html), html
        assert ">0 h 0 min" not in html and "Time left" not in html
