"""H2 in the app: the bell, the list, Mark as read (with and without htmx), and the demo outbox."""

from __future__ import annotations

import re

import pytest
from dispute_world import NOW, World, ago
from sqlalchemy import select

from dispute_engine import Action
from webapp.core.extensions import db
from webapp.disputes import negotiation
from webapp.history.models import Notification

HX = {"HX-Request": "true"}


def text(response) -> str:
    return response.get_data(as_text=True)


def notifications_of(user) -> list[Notification]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
        )
    )


def opened_and_rejected(world: World):
    """The buyer opens (the seller is told), then the seller rejects (the buyer is told)."""
    dispute = world.open(ago(2))
    world.act(
        world.seller, dispute, Action.REJECT_REQUEST, ago(1), lambda c: negotiation.reject_request(c, {})
    )
    return dispute


def a_message(world: World, dispute, body: str = "Any news?") -> None:
    world.act(world.buyer, dispute, Action.SEND_MESSAGE, NOW, lambda c: negotiation.send_message(c, body))


def test_h2_the_bell_in_the_header_says_how_many_are_unread(client, auth, world: World):
    dispute = opened_and_rejected(world)
    a_message(world, dispute)
    auth.login_as(world.seller)
    html = text(client.get("/orders"))  # not the dispute's page: seeing it reads its notifications
    assert html.count('id="notification-bell"') == 1
    assert 'aria-label="Notifications, 2 unread"' in html
    assert 'hx-trigger="every 15s"' in html and 'hx-swap="outerHTML"' in html
    auth.login_as(world.buyer)
    assert 'aria-label="Notifications, 1 unread"' in text(client.get("/orders"))


def test_the_bell_is_a_fragment_with_htmx_and_the_whole_list_page_without(client, auth, world: World):
    opened_and_rejected(world)
    auth.login_as(world.buyer)
    fragment = client.get("/notifications/bell?count=0&newest=0", headers=HX)
    page = client.get("/notifications/bell?count=0&newest=0")
    assert fragment.status_code == page.status_code == 200
    assert text(fragment).lstrip().startswith('<div id="notification-bell"')
    assert "<html" not in text(fragment) and "<html" in text(page)
    assert "<h1>Notifications</h1>" in text(page)
    assert "HX-Request" in fragment.headers["Vary"] and "HX-Request" in page.headers["Vary"]
    assert fragment.headers["HX-Trigger"] == "notifications-changed"
    assert 'aria-label="Notifications, 1 unread"' in text(fragment)


def test_the_bell_poll_is_an_empty_204_until_the_count_or_the_newest_changes(client, auth, world: World):
    dispute = opened_and_rejected(world)
    auth.login_as(world.seller)
    (first,) = notifications_of(world.seller)
    quiet = client.get(f"/notifications/bell?count=1&newest={first.id}", headers=HX)
    assert quiet.status_code == 204 and quiet.get_data() == b""
    assert "HX-Request" in quiet.headers["Vary"]
    a_message(world, dispute)
    changed = client.get(f"/notifications/bell?count=1&newest={first.id}", headers=HX)
    assert changed.status_code == 200
    newest = notifications_of(world.seller)[-1].id
    assert f"count=2&amp;newest={newest}" in text(changed)
    assert 'aria-label="Notifications, 2 unread"' in text(changed)
    assert client.get(f"/notifications/bell?count=2&newest={newest}", headers=HX).status_code == 204


def test_h2_the_list_shows_the_users_notifications_newest_first(client, auth, world: World):
    dispute = opened_and_rejected(world)
    a_message(world, dispute, "Where is my refund?")
    auth.login_as(world.seller)
    html = text(client.get("/notifications"))
    items = re.findall(r'<li id="notification-(\d+)"', html)
    assert [int(i) for i in items] == [n.id for n in reversed(notifications_of(world.seller))]
    assert html.index("sent a message") < html.index("opened")
    assert f'href="/disputes/{dispute.id}"' in html and "Teapot" in html
    assert html.count("notification--unread") == 2 and html.count(">Unread<") == 2
    assert "<time datetime=" in html
    assert "rejected" not in html  # the seller's own action notifies the others, not the seller
    assert 'style="' not in html and "<script>" not in html


def test_the_list_is_a_fragment_for_htmx(client, auth, world: World):
    opened_and_rejected(world)
    auth.login_as(world.buyer)
    response = client.get("/notifications", headers=HX)
    assert text(response).lstrip().startswith('<section id="notification-list"')
    assert "HX-Request" in response.headers["Vary"]


def test_nobody_sees_anyone_elses_notifications(client, auth, world: World):
    opened_and_rejected(world)
    auth.login_as(world.outsider)
    html = text(client.get("/notifications"))
    assert "No notifications yet" in html and '<li id="notification-' not in html
    assert 'aria-label="Notifications, 0 unread"' in html


def test_mark_as_read_without_javascript_redirects_back_to_the_list(client, auth, world: World):
    opened_and_rejected(world)
    auth.login_as(world.seller)
    (notification,) = notifications_of(world.seller)
    response = client.post(f"/notifications/{notification.id}/read", data={"page": "1"})
    assert response.status_code == 303 and response.headers["Location"] == "/notifications?page=1"
    assert notifications_of(world.seller)[0].read_at is not None
    html = text(client.get("/notifications"))
    assert "Notification marked as read." in html and 'aria-label="Notifications, 0 unread"' in html


def test_mark_as_read_with_htmx_swaps_the_item_and_the_bell_out_of_band(client, auth, world: World):
    dispute = opened_and_rejected(world)
    a_message(world, dispute)
    auth.login_as(world.seller)
    first = notifications_of(world.seller)[0]
    response = client.post(f"/notifications/{first.id}/read", headers=HX)
    assert response.status_code == 200
    html = text(response)
    assert html.lstrip().startswith(f'<li id="notification-{first.id}"')
    assert "Mark as read" not in html and ">Read<" in html
    assert '<div id="notification-bell"' in html and 'hx-swap-oob="true"' in html
    assert 'aria-label="Notifications, 1 unread"' in html
    assert [n.read_at is not None for n in notifications_of(world.seller)] == [True, False]
    again = client.post(f"/notifications/{first.id}/read", headers=HX)
    assert again.status_code == 200  # marking twice is harmless


@pytest.mark.parametrize("headers", [{}, HX])
def test_someone_elses_notification_is_not_found_and_stays_unread(client, auth, world: World, headers):
    opened_and_rejected(world)
    (sellers,) = notifications_of(world.seller)
    auth.login_as(world.buyer)
    assert client.post(f"/notifications/{sellers.id}/read", headers=headers).status_code == 404
    assert client.post("/notifications/999999/read", headers=headers).status_code == 404
    assert notifications_of(world.seller)[0].read_at is None


def test_mark_all_as_read_without_javascript(client, auth, world: World):
    dispute = opened_and_rejected(world)
    a_message(world, dispute)
    auth.login_as(world.seller)
    response = client.post("/notifications/read-all", data={"next": "//evil.example/"})
    assert response.status_code == 303 and response.headers["Location"] == "/notifications?page=1"
    assert all(n.read_at is not None for n in notifications_of(world.seller))
    assert "2 notifications marked as read." in text(client.get("/notifications"))


def test_mark_all_as_read_with_htmx_swaps_the_list_and_spares_one_that_came_meanwhile(
    client, auth, world: World
):
    dispute = opened_and_rejected(world)
    auth.login_as(world.seller)
    shown = text(client.get("/notifications"))
    up_to = re.search(r'name="up_to" value="(\d+)"', shown).group(1)
    a_message(world, dispute, "Arrived after the page was drawn")
    response = client.post("/notifications/read-all", data={"up_to": up_to}, headers=HX)
    html = text(response)
    assert html.lstrip().startswith('<section id="notification-list"')
    assert 'aria-label="Notifications, 1 unread"' in html and 'hx-swap-oob="true"' in html
    assert [n.read_at is not None for n in notifications_of(world.seller)] == [True, False]
    # The other party's notifications are untouched.
    assert notifications_of(world.buyer)[0].read_at is None


def test_anonymous_visitors_are_sent_to_log_in(client, world: World):
    assert client.get("/notifications").status_code == 303
    poll = client.get("/notifications/bell?count=0", headers=HX)
    assert poll.status_code == 204 and poll.headers["HX-Redirect"].startswith("/login")
    assert client.get("/outbox").status_code == 303


def test_h2_the_demo_outbox_shows_the_emails_addressed_to_the_user(client, auth, world: World):
    dispute = opened_and_rejected(world)
    auth.login_as(world.buyer)
    html = text(client.get("/outbox"))
    assert html.count('class="card email"') == 1
    assert f"Dispute #{dispute.id} (Teapot): The seller rejected the buyer" in html
    assert f"{world.buyer.name} &lt;{world.buyer.email}&gt;" in html
    assert f"http://127.0.0.1:5000/disputes/{dispute.id}" in html
    assert world.seller.email not in html
    # Kept in the outbox, not sent: nothing is marked as emailed.
    assert all(n.emailed_at is None for n in notifications_of(world.buyer) + notifications_of(world.seller))


def test_there_is_no_outbox_when_mail_really_leaves(app, client, auth, world: World):
    app.config["MAIL_SERVER"] = "127.0.0.1"
    auth.login_as(world.buyer)
    assert client.get("/outbox").status_code == 404
    assert "outbox" not in text(client.get("/notifications")).split("<main", 1)[1]


def test_h2_opening_a_dispute_marks_what_it_notified_as_read_and_leaves_the_others(
    client, auth, world: World
):
    from dispute_world import make_order

    first = world.open(ago(2))
    world.order = make_order(world.buyer, world.seller, number="T-2")
    second = world.open(ago(1))
    auth.login_as(world.seller)
    unread = [n.dispute_id for n in notifications_of(world.seller) if n.read_at is None]
    assert sorted(unread) == sorted([first.id, second.id])
    page = text(client.get(f"/disputes/{first.id}"))
    db.session.expire_all()
    still_unread = [n.dispute_id for n in notifications_of(world.seller) if n.read_at is None]
    assert still_unread == [second.id]
    assert re.search(r"1 unread", page), "the bell counts what is left"
