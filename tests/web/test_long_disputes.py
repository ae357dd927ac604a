"""A long dispute's page shows the latest messages and events; earlier ones come on demand (N7, H1).

Keyset pages: the page, each earlier page and each refresh cost the same statements however long
the thread is. Without JavaScript "earlier" is a link to a page of its own; with htmx it brings a
fragment, and an open page's refreshes start where the page started (X-Page-Window).
"""

from __future__ import annotations

import re

from dispute_world import World, ago
from sql_counting import counted_statements

from dispute_engine import Action, Actor
from webapp.core.extensions import db
from webapp.disputes import negotiation
from webapp.disputes.models import Dispute, Message
from webapp.disputes.ticking import tick
from webapp.history.record import record
from webapp.pages.windows import PAGE_SIZE

HX = {"HX-Request": "true"}


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def talk(world: World, dispute: Dispute, count: int, start: int = 0) -> None:
    """`count` messages, alternately the buyer's and the seller's, and as many history events."""
    for n in range(start, start + count):
        author, party = (world.buyer, Actor.BUYER) if n % 2 == 0 else (world.seller, Actor.SELLER)
        db.session.add(
            Message(
                dispute_id=dispute.id, author_id=author.id, party=party, body=f"Line {n}.", created_at=ago(1)
            )
        )
        record(dispute.id, [], actor=party, user=author, action="message", summary=f"Said {n}.", at=ago(1))
    db.session.commit()


def said(html: str) -> list[int]:
    """The numbers of the messages shown, in page order."""
    return [int(n) for n in re.findall(r'<p class="thread__body">Line (\d+)\.</p>', html)]


def events(html: str) -> list[int]:
    """The numbers of the message events shown, in page order."""
    return [int(n) for n in re.findall(r"Said (\d+)\.", html)]


def link(html: str, kind: str) -> str | None:
    """The "Show earlier ..." link's URL, or None when there is none."""
    found = re.search(rf'<a class="[^"]*earlier-link" href="([^"]+)"[^>]*>Show earlier {kind}</a>', html)
    return found.group(1).replace("&amp;", "&") if found else None


def page_window(html: str) -> str:
    found = re.search(r'"X-Page-Window": "([^"]+)"', html.replace("&#34;", '"'))
    assert found, "the page says nothing of where its thread and history start"
    return found.group(1)


def test_n7_the_page_shows_the_latest_messages_and_events_and_links_to_the_earlier_ones(
    client, auth, world: World
):
    dispute = world.open(ago(2))
    talk(world, dispute, 45)
    auth.login_as(world.buyer)

    page = text(client.get(f"/disputes/{dispute.id}"))

    assert said(page) == list(range(25, 45))  # the latest 20, oldest first
    assert events(page)[:PAGE_SIZE] == list(range(44, 24, -1))  # the history, newest first
    assert link(page, "messages") and link(page, "events")


def test_n7_without_javascript_earlier_is_a_page_of_its_own_down_to_the_first_message(
    client, auth, world: World
):
    dispute = world.open(ago(2))
    talk(world, dispute, 45)
    auth.login_as(world.seller)
    earlier = link(text(client.get(f"/disputes/{dispute.id}")), "messages")

    second = text(client.get(earlier))
    assert "<html" in second and "Back to the dispute" in second
    assert said(second) == list(range(5, 25))
    third = text(client.get(link(second, "messages")))
    assert said(third) == list(range(5)) and link(third, "messages") is None


def test_h1_with_htmx_earlier_events_come_as_a_fragment_with_the_next_link(client, auth, world: World):
    dispute = world.open(ago(2))
    talk(world, dispute, 45)  # plus the opening's event: 46 events
    auth.login_as(world.buyer)
    earlier = link(text(client.get(f"/disputes/{dispute.id}")), "events")

    fragment = text(client.get(earlier, headers=HX))

    assert fragment.lstrip().startswith('<div class="history-earlier">') and "<html" not in fragment
    assert events(fragment) == list(range(24, 4, -1))
    last = text(client.get(link(fragment, "events"), headers=HX))
    assert events(last) == list(range(4, -1, -1)) and "opened" in last and link(last, "events") is None


def test_the_page_and_each_earlier_page_cost_the_same_statements_however_long_the_thread(
    client, auth, world: World
):
    dispute = world.open(ago(2))
    talk(world, dispute, 3)
    auth.login_as(world.buyer)

    def page_statements() -> int:
        client.get(f"/disputes/{dispute.id}")  # reads its notifications: the next one only reads
        with counted_statements() as statements:
            text(client.get(f"/disputes/{dispute.id}"))
        return len(statements)

    short = page_statements()
    talk(world, dispute, 120, start=3)
    long = page_statements()
    earlier = link(text(client.get(f"/disputes/{dispute.id}")), "messages")
    with counted_statements() as first_page:
        text(client.get(earlier, headers=HX))
    with counted_statements() as oldest_page:
        text(client.get(re.sub(r"before=\d+", f"before={said_ids(dispute)[3]}", earlier), headers=HX))

    assert short == long
    assert len(first_page) == len(oldest_page)


def said_ids(dispute: Dispute) -> list[int]:
    return list(db.session.scalars(db.select(Message.id).where(Message.dispute_id == dispute.id)))


def test_n7_an_open_pages_refresh_starts_where_the_page_started_however_many_came_since(
    client, auth, world: World
):
    dispute = world.open(ago(2))
    talk(world, dispute, 30)
    auth.login_as(world.buyer)
    page = text(client.get(f"/disputes/{dispute.id}"))
    window = page_window(page)
    poll = re.search(r'id="dispute-poll" hx-get="([^"]+)"', page).group(1).replace("&amp;", "&")
    talk(world, dispute, 25, start=30)
    db.session.execute(
        db.update(Dispute).where(Dispute.id == dispute.id).values(activity=Dispute.activity + 1)
    )
    db.session.commit()

    refreshed = text(client.get(poll, headers={**HX, "X-Page-Window": window}))
    afresh = text(client.get(poll, headers=HX))  # a page that says nothing gets the latest

    assert said(refreshed) == list(range(10, 55))  # from its first message on, the 25 new ones too
    assert said(afresh) == list(range(35, 55))
    history = text(
        client.get(f"/disputes/{dispute.id}/parts/history", headers={**HX, "X-Page-Window": window})
    )
    assert events(history) == list(range(54, 9, -1))


def test_n7_the_mediator_who_does_not_read_the_thread_gets_no_earlier_messages(client, auth, world: World):
    dispute = world.open(ago(9))

    world.act(
        world.seller, dispute, Action.REJECT_REQUEST, ago(8), lambda c: negotiation.reject_request(c, {})
    )
    talk(world, dispute, 25)
    tick()  # escalated (N1)
    auth.login_as(world.mediator)

    page = text(client.get(f"/disputes/{dispute.id}"))
    refused = client.get(f"/disputes/{dispute.id}/messages?before=999999")

    assert link(page, "messages") is None and link(page, "events")
    assert refused.status_code == 403 and "does not read the thread" in refused.get_data(as_text=True)


def test_an_earlier_link_without_a_usable_cursor_is_refused_in_words(client, auth, world: World):
    dispute = world.open(ago(2))
    auth.login_as(world.buyer)
    for cursor in ("", "0", "abc", "9" * 40):
        response = client.get(f"/disputes/{dispute.id}/events?before={cursor}", headers=HX)
        assert response.status_code == 400 and "whole number" in response.get_data(as_text=True)
