"""Asking for and answering an extension of buyer protection on the orders page (O10-O13).

Plain forms redirect to the orders page (PRG); htmx gets the order's protection panel, one root with
a stable id. A refusal is a 4xx with a sentence, and nothing is saved.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from dispute_world import NOW, World, make_order
from sqlalchemy import func, select

from webapp.core.extensions import db
from webapp.history.models import Notification, OrderEvent
from webapp.orders.models import Order
from webapp.protection.models import ExtensionStatus, ProtectionExtension

HX = {"HX-Request": "true"}


def text(response) -> str:
    return response.get_data(as_text=True)


def ask(client, order_id: int, days: str = "10", reason: str = "Stuck at customs.", headers=None):
    return client.post(
        f"/orders/{order_id}/protection/ask", data={"days": days, "reason": reason}, headers=headers or {}
    )


def answer(client, order_id: int, request_id: int, decision: str, days: str = "", headers=None):
    form = {"request": str(request_id), "decision": decision, "days": days}
    return client.post(f"/orders/{order_id}/protection/answer", data=form, headers=headers or {})


def waiting(order_id: int) -> ProtectionExtension:
    db.session.expire_all()
    found = db.session.scalar(select(ProtectionExtension).where(ProtectionExtension.order_id == order_id))
    assert found is not None
    return found


def ends_at(order_id: int):
    db.session.expire_all()
    return db.session.get_one(Order, order_id).protection_ends_at


def counts() -> tuple[int, int, int]:
    return (
        db.session.scalar(select(func.count(ProtectionExtension.id))) or 0,
        db.session.scalar(select(func.count(OrderEvent.id))) or 0,
        db.session.scalar(select(func.count(Notification.id))) or 0,
    )


def test_o10_the_buyer_sees_the_ask_form_on_an_order_in_transit_and_the_seller_does_not(
    world: World, auth, client
):
    auth.login_as(world.buyer)
    page = text(client.get("/orders"))
    assert f'id="protection-{world.order.id}"' in page
    assert "Ask the seller to extend protection" in page
    assert "Buyer protection ends on" in page
    auth.login_as(world.seller)
    assert "Ask the seller to extend protection" not in text(client.get("/orders"))


def test_o10_o12_o13_a_plain_ask_and_grant_redirect_and_move_protection_end(world: World, auth, client):
    before = ends_at(world.order.id)
    auth.login_as(world.buyer)
    response = ask(client, world.order.id)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/orders#order-{world.order.id}")
    assert "Your request was sent to the seller." in text(client.get("/orders"))
    request = waiting(world.order.id)
    assert (request.status, request.days_asked, request.reason) == (
        ExtensionStatus.PENDING,
        10,
        "Stuck at customs.",
    )

    auth.login_as(world.seller)
    page = text(client.get("/orders"))
    assert "The buyer asks you to extend buyer protection by 10 days." in page
    assert "Stuck at customs." in page
    response = answer(client, world.order.id, request.id, "grant", "7")
    assert response.status_code == 303
    assert ends_at(world.order.id) == before + timedelta(days=7)
    assert "Buyer protection now ends on" in text(client.get("/orders"))

    events = db.session.scalars(select(OrderEvent).order_by(OrderEvent.sequence)).all()
    assert [(e.action, e.rule, e.sequence) for e in events] == [
        ("protection_extension_asked", "O10", 1),
        ("protection_extended", "O12", 2),
    ]
    assert events[1].prev_hash == events[0].hash
    told = {(n.user_id, n.order_event_id) for n in db.session.scalars(select(Notification))}
    assert told == {(world.seller.id, events[0].id), (world.buyer.id, events[1].id)}


def test_o13_the_buyer_reads_the_grant_in_the_notifications_with_a_link_to_the_order(
    world: World, auth, client
):
    auth.login_as(world.buyer)
    ask(client, world.order.id)
    auth.login_as(world.seller)
    answer(client, world.order.id, waiting(world.order.id).id, "grant")
    auth.login_as(world.buyer)
    page = text(client.get("/notifications"))
    assert "The seller extended buyer protection by 10 days" in page
    assert f"/orders#order-{world.order.id}" in page


def test_o10_o11_with_htmx_each_action_answers_with_the_panel_alone(world: World, auth, client):
    auth.login_as(world.buyer)
    response = ask(client, world.order.id, headers=HX)
    body = text(response)
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<section class="protection" id="protection-{world.order.id}"')
    assert "Your request was sent to the seller." in body
    assert "waiting for the seller" in body
    assert "<html" not in body
    auth.login_as(world.seller)
    response = answer(client, world.order.id, waiting(world.order.id).id, "decline", headers=HX)
    assert response.status_code == 200
    assert "You declined the request." in text(response)
    assert waiting(world.order.id).status is ExtensionStatus.DECLINED


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize(
    ("days", "reason", "words"),
    [
        ("0", "", "Enter a whole number of days from 1 to 30."),
        ("31", "", "Enter a whole number of days from 1 to 30."),
        ("ten", "", "Enter a whole number of days from 1 to 30."),
        ("5", "x" * 1001, "Keep the reason under 1000 characters."),
    ],
)
def test_o10_bad_input_is_a_422_with_a_sentence_and_nothing_is_saved(
    world: World, auth, client, days: str, reason: str, words: str, htmx: bool
):
    auth.login_as(world.buyer)
    response = ask(client, world.order.id, days, reason, headers=HX if htmx else None)
    assert response.status_code == 422
    assert words in text(response)
    assert ("<html" in text(response)) is not htmx
    assert counts() == (0, 0, 0)


def test_o10_a_buyer_may_not_ask_after_receipt_409_and_nothing_is_saved(world: World, auth, client):
    order = make_order(world.buyer, world.seller, number="T-9", receipt=NOW - timedelta(days=1))
    auth.login_as(world.buyer)
    response = ask(client, order.id)
    assert response.status_code == 409
    assert "no longer in transit" in text(response)
    assert counts() == (0, 0, 0)


def test_o10_o11_the_wrong_party_is_refused_and_strangers_see_nothing(world: World, auth, client):
    auth.login_as(world.seller)
    assert ask(client, world.order.id).status_code == 403
    auth.login_as(world.buyer)
    ask(client, world.order.id)
    request_id = waiting(world.order.id).id
    assert answer(client, world.order.id, request_id, "grant").status_code == 403
    auth.login_as(world.outsider)
    assert answer(client, world.order.id, request_id, "grant").status_code == 404
    assert ask(client, world.order.id).status_code == 404
    assert waiting(world.order.id).status is ExtensionStatus.PENDING


def test_o11_an_unknown_request_or_decision_is_refused(world: World, auth, client):
    auth.login_as(world.buyer)
    ask(client, world.order.id)
    request_id = waiting(world.order.id).id
    auth.login_as(world.seller)
    assert answer(client, world.order.id, 999999, "grant").status_code == 404
    assert answer(client, world.order.id, "x", "grant").status_code == 409  # type: ignore[arg-type]
    response = answer(client, world.order.id, request_id, "maybe")
    assert response.status_code == 409
    assert "Choose Grant or Decline." in text(response)
    response = answer(client, world.order.id, request_id, "grant", "45")
    assert response.status_code == 422
    assert waiting(world.order.id).status is ExtensionStatus.PENDING


def test_o12_a_double_submitted_grant_extends_once(world: World, auth, client):
    before = ends_at(world.order.id)
    auth.login_as(world.buyer)
    assert ask(client, world.order.id).status_code == 303
    assert ask(client, world.order.id).status_code == 303  # the same request again: a repeat
    request_id = waiting(world.order.id).id
    auth.login_as(world.seller)
    assert answer(client, world.order.id, request_id, "grant").status_code == 303
    assert answer(client, world.order.id, request_id, "grant").status_code == 303
    assert ends_at(world.order.id) == before + timedelta(days=10)
    assert counts() == (1, 2, 2)
    response = answer(client, world.order.id, request_id, "decline")
    assert response.status_code == 409
    assert "already granted" in text(response)


def test_o10_the_panel_speaks_the_buyers_language(world: World, auth, client):
    world.buyer.locale = "ru"
    db.session.commit()
    auth.login_as(world.buyer)
    page = text(client.get("/orders"))
    assert "Защита покупателя действует до" in page
    assert "Попросить продавца продлить защиту" in page
    response = ask(client, world.order.id, headers=HX)
    assert "Ваша просьба отправлена продавцу." in text(response)
    assert "Запрошено" in text(response)


def test_o13_the_seller_is_emailed_about_the_request_with_a_link_to_the_order(world: World, auth, client):
    auth.login_as(world.buyer)
    ask(client, world.order.id)
    auth.login_as(world.seller)
    outbox = text(client.get("/outbox"))
    assert "Your order (Teapot): The buyer asked the seller to extend buyer protection by 10 days" in outbox
    assert f"/orders#order-{world.order.id}" in outbox
    assert "because you bought or sold this order" in outbox


def test_o11_a_request_left_waiting_when_a_dispute_opens_is_shown_as_unanswerable(world: World, auth, client):
    auth.login_as(world.buyer)
    ask(client, world.order.id)
    world.open(NOW)
    page = text(client.get("/orders"))
    assert "Your request can no longer be answered. This order has an open dispute" in page
    auth.login_as(world.seller)
    page = text(client.get("/orders"))
    assert "Grant the extension" not in page
    response = answer(client, world.order.id, waiting(world.order.id).id, "grant")
    assert response.status_code == 409
    assert "open dispute" in text(response)


def test_o13_a_russian_seller_reads_the_request_and_its_email_in_russian(world: World, auth, client):
    world.seller.locale = "ru"
    db.session.commit()
    auth.login_as(world.buyer)
    ask(client, world.order.id, reason="")
    auth.login_as(world.seller)
    said = "Покупатель попросил продавца продлить защиту покупателя на 10 дн."
    assert said in text(client.get("/notifications"))
    outbox = text(client.get("/outbox"))
    assert f"Ваш заказ (Teapot): {said}" in outbox
    assert "потому что купили или продали этот заказ" in outbox
    db.session.expire_all()
    kept = db.session.scalars(select(OrderEvent)).one()
    assert kept.summary == "The buyer asked the seller to extend buyer protection by 10 days."
