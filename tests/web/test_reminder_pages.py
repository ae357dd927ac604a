"""A deadline reminder is a notification: in the bell, the list (with and without htmx) and the outbox."""

from __future__ import annotations

from dispute_world import World, ago
from sqlalchemy import select

from webapp.core.extensions import db
from webapp.history.models import Notification
from webapp.notifications.reminders import send_due_reminders

HX = {"HX-Request": "true"}


def text(response) -> str:
    return response.get_data(as_text=True)


def reminded_seller(world: World):
    """S1: the seller has 12 hours left to answer, and the clock sends the 24-hour reminder."""
    dispute = world.open(ago(4.5))
    assert send_due_reminders() == 1
    return dispute


def test_s1_the_reminder_counts_in_the_sellers_bell(client, auth, world: World):
    reminded_seller(world)
    auth.login_as(world.seller)
    bell = client.get("/notifications/bell?count=1&newest=0", headers=HX)
    assert bell.status_code == 200
    assert 'aria-label="Notifications, 2 unread"' in text(bell)  # the opening, and the reminder


def test_s1_the_list_shows_the_reminder_with_htmx_as_a_fragment_and_without_as_a_page(
    client, auth, world: World
):
    dispute = reminded_seller(world)
    auth.login_as(world.seller)
    fragment, page = client.get("/notifications", headers=HX), client.get("/notifications")
    assert fragment.status_code == page.status_code == 200
    assert "<html" not in text(fragment) and "<html" in text(page)
    for html in (text(fragment), text(page)):
        assert (
            f"Reminder for dispute #{dispute.id} (Teapot): accept or reject the buyer&#39;s request by"
            in html
        )
        assert "h " in html and "min left)" in html


def test_s1_the_reminder_is_marked_read_like_any_other_notification(client, auth, world: World):
    reminded_seller(world)
    auth.login_as(world.seller)
    reminder_id = db.session.scalar(select(Notification.id).where(Notification.note.is_not(None)))
    marked = client.post(f"/notifications/{reminder_id}/read", headers=HX)
    assert marked.status_code == 200
    assert "Read" in text(marked) and "Reminder for dispute" in text(marked)


def test_s1_the_reminder_is_emailed_too_as_the_outbox_shows(client, auth, world: World):
    dispute = reminded_seller(world)
    auth.login_as(world.seller)
    html = text(client.get("/outbox"))
    assert f"Dispute #{dispute.id} (Teapot): Reminder for dispute #{dispute.id}" in html


def test_the_buyer_gets_no_reminder_of_the_sellers_deadline(client, auth, world: World):
    reminded_seller(world)
    auth.login_as(world.buyer)
    assert "Reminder for dispute" not in text(client.get("/notifications"))
