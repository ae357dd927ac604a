"""The dispute page's one poll: nothing new costs two statements; a change comes back in one response."""

from __future__ import annotations

import io
import re

from dispute_world import NOW, World, ago
from sql_counting import counted_statements

from dispute_engine import Action
from webapp.core.extensions import db
from webapp.disputes import negotiation
from webapp.disputes.models import Dispute
from webapp.settlement import services as settlement

HX = {"HX-Request": "true"}
POLL_SECONDS = 6


def text(response) -> str:
    return response.get_data(as_text=True)


def poll_url(page: str) -> str:
    """The poll URL an open page carries (what htmx would call)."""
    found = re.search(r'id="dispute-poll" hx-get="([^"]+)"\s+hx-trigger="every (\d+)s"', page)
    assert found, "the page has no poller"
    assert int(found.group(2)) == POLL_SECONDS
    return found.group(1).replace("&amp;", "&")


def open_page(client, dispute_id: int) -> str:
    return text(client.get(f"/disputes/{dispute_id}"))


def test_a_poll_with_nothing_new_is_an_empty_204_from_two_statements(client, auth, world: World):
    dispute = world.open(ago(2))
    auth.login_as(world.buyer)
    url = poll_url(open_page(client, dispute.id))
    with counted_statements() as statements:
        quiet = client.get(url, headers=HX)
    assert quiet.status_code == 204 and quiet.get_data() == b""
    assert len(statements) <= 2, statements  # the session's user, then the dispute's stamp
    assert "HX-Request" in quiet.headers["Vary"]


def test_an_idle_tab_costs_at_most_twenty_statements_a_minute(client, auth, world: World):
    dispute = world.open(ago(2))
    auth.login_as(world.seller)
    url = poll_url(open_page(client, dispute.id))
    with counted_statements() as statements:
        for _ in range(60 // POLL_SECONDS):  # the page's only poll
            assert client.get(url, headers=HX).status_code == 204
    assert len(statements) <= 20, len(statements)


def test_an_htmx_action_answers_with_every_changed_part_and_a_new_poller_in_one_response(
    client, auth, world: World
):
    dispute = world.open(ago(1))
    auth.login_as(world.seller)
    url = poll_url(open_page(client, dispute.id))
    version = world.reload(dispute).version
    response = client.post(f"/disputes/{dispute.id}/reject-request", data={"version": version}, headers=HX)
    html = text(response)
    for part in ("progress", "outcome", "settlement", "mediation", "proposals", "dispute-actions", "history"):
        assert f'id="{part}"' in html, part
    assert f"v={world.reload(dispute).version}" in poll_url(html)
    assert client.get(poll_url(html), headers=HX).status_code == 204  # no follow-up requests needed
    assert client.get(url, headers=HX).status_code == 200  # the old stamp was stale


def test_n4_after_the_other_party_acts_one_poll_brings_every_changed_part(client, auth, world: World):
    dispute = world.open(ago(2))
    auth.login_as(world.buyer)
    url = poll_url(open_page(client, dispute.id))
    world.act(world.seller, dispute, Action.REJECT_REQUEST, NOW, lambda c: negotiation.reject_request(c, {}))
    changed = client.get(url, headers=HX)
    html = text(changed)
    assert changed.status_code == 200
    for part in ("progress", "outcome", "settlement", "mediation", "proposals", "evidence", "history"):
        assert f'id="{part}"' in html, part
    assert html.count('hx-swap-oob="true"') >= 7
    assert 'aria-valuetext="Negotiation"' in html
    fresh = world.reload(dispute)
    assert f"v={fresh.version}" in poll_url(html)  # the new poller replaces the old one
    assert client.get(poll_url(html), headers=HX).status_code == 204


def test_n7_a_new_message_reaches_the_other_page_through_the_poll_without_staling_its_forms(
    client, auth, world: World
):
    dispute = world.open(ago(2))
    auth.login_as(world.seller)
    url = poll_url(open_page(client, dispute.id))
    version = world.reload(dispute).version
    world.act(
        world.buyer, dispute, Action.SEND_MESSAGE, NOW, lambda c: negotiation.send_message(c, "<b>Hi</b>")
    )
    assert world.reload(dispute).version == version  # the seller's forms stay valid
    html = text(client.get(url, headers=HX))
    assert '<div id="thread-messages" hx-swap-oob="true"' in html and "&lt;b&gt;Hi&lt;/b&gt;" in html
    assert 'id="proposals"' not in html  # only what a message changes comes back


def test_e1_new_evidence_of_the_other_party_reaches_the_page_through_the_poll(client, auth, world: World):
    from webapp.demo import demo_photo

    dispute = world.open(ago(1))
    auth.login_as(world.seller)
    url = poll_url(open_page(client, dispute.id))
    auth.login_as(world.buyer)
    photo = demo_photo("More")
    client.post(
        f"/disputes/{dispute.id}/evidence",
        data={"evidence": (io.BytesIO(photo.stream.read()), "more.jpg")},
        headers=HX,
    )
    auth.login_as(world.seller)
    html = text(client.get(url, headers=HX))
    assert '<section id="evidence" class="panel" hx-swap-oob="true">' in html and "more.jpg" in html


def test_f2_a_shipped_return_reaches_the_sellers_open_page(client, auth, world: World):
    dispute = world.agree_on_a_return(ago(2), ago(1))
    auth.login_as(world.seller)
    url = poll_url(open_page(client, dispute.id))
    world.act(world.buyer, dispute, Action.SHIP_RETURN, NOW, lambda c: settlement.ship_return(c, "RR123"))
    html = text(client.get(url, headers=HX))
    assert "RR123" in html and "Confirm" in html  # the seller can confirm without reloading


def test_s1_a_deadline_due_since_the_page_loaded_acts_on_the_next_poll(client, auth, world: World):
    dispute = world.open(ago(2))
    auth.login_as(world.buyer)
    url = poll_url(open_page(client, dispute.id))
    db.session.execute(db.update(Dispute).where(Dispute.id == dispute.id).values(next_deadline_at=ago(0.1)))
    db.session.commit()  # the seller's clock ran out a moment ago (as if the page were old)
    stale = world.reload(dispute)
    stale.opened_at = ago(6)
    db.session.commit()
    html = text(client.get(url, headers=HX))
    assert "did not respond in time" in html


def test_e4_a_poll_of_someone_elses_dispute_is_a_404(client, auth, world: World):
    dispute = world.open(ago(1))
    auth.login_as(world.outsider)
    assert client.get(f"/disputes/{dispute.id}/poll?v=1&a=0", headers=HX).status_code == 404
    assert client.get("/disputes/999999/poll?v=1&a=0", headers=HX).status_code == 404


def test_without_htmx_the_poll_url_leads_to_the_page(client, auth, world: World):
    dispute = world.open(ago(1))
    auth.login_as(world.buyer)
    response = client.get(f"/disputes/{dispute.id}/poll?v=0&a=0")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/disputes/{dispute.id}")


def test_n7_a_message_of_the_other_party_reaches_the_history_of_the_open_page(client, auth, world: World):
    dispute = world.open(ago(2))
    auth.login_as(world.seller)
    url = poll_url(open_page(client, dispute.id))
    world.act(world.buyer, dispute, Action.SEND_MESSAGE, NOW, lambda c: negotiation.send_message(c, "Hello"))
    html = text(client.get(url, headers=HX))
    assert '<section id="history" class="history" hx-swap-oob="true">' in html
    assert "The buyer sent a message in the negotiation thread." in html


def test_n4_c2_the_forms_to_write_and_to_add_evidence_go_and_come_back_with_the_state_on_the_poll(
    client, auth, world: World
):
    from webapp.disputes import lifecycle

    dispute = world.open(ago(2))
    auth.login_as(world.buyer)
    page = open_page(client, dispute.id)
    assert 'id="thread-form"' in page and 'id="evidence-form"' in page
    world.act(world.buyer, dispute, Action.CANCEL, NOW, lifecycle.cancel)  # as if from another tab
    closed = text(client.get(poll_url(page), headers=HX))
    assert '<div id="thread-composer" hx-swap-oob="true">' in closed
    assert '<div id="evidence-upload" hx-swap-oob="true">' in closed
    assert 'id="thread-form"' not in closed and 'id="evidence-form"' not in closed

    world.act(world.buyer, dispute, Action.REOPEN, NOW, lifecycle.reopen)
    reopened = text(client.get(poll_url(closed), headers=HX))
    assert 'id="thread-form"' in reopened and 'id="evidence-form"' in reopened
    # What is typed in the box, and the uploads under way, stay as they are across the refresh.
    assert re.search(r'<textarea [^>]*id="body"[^>]*hx-preserve="true"', reopened)
    assert re.search(r'<ul id="upload-queue"[^>]*hx-preserve="true"', reopened)


def test_n7_a_sent_message_empties_the_box_it_was_typed_in(client, auth, world: World):
    dispute = world.open(ago(2))
    auth.login_as(world.buyer)
    version = world.reload(dispute).version
    sent = text(
        client.post(f"/disputes/{dispute.id}/message", data={"body": "Hi", "version": version}, headers=HX)
    )
    assert re.search(r'<textarea [^>]*id="body"', sent)
    assert not re.search(r'<textarea [^>]*id="body"[^>]*hx-preserve', sent)  # replaced, not kept
