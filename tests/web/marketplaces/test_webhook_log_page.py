"""The webhook log for a marketplace's mediators: each endpoint's deliveries, and Send again."""

from __future__ import annotations

from dispute_world import NOW, World, ago
from sqlalchemy import select

from webapp.core.extensions import db
from webapp.marketplaces.models import Marketplace, demo_marketplace
from webapp.webhooks.endpoints import add_endpoint
from webapp.webhooks.models import DeliveryStatus, WebhookDelivery


def test_a_mediator_sees_the_log_and_sends_a_failed_delivery_again(client, auth, make_user, world: World):
    add_endpoint(demo_marketplace().id, "http://127.0.0.1:9/hooks", None, NOW)
    db.session.commit()
    world.open(ago(1))
    delivery = db.session.scalar(select(WebhookDelivery))
    delivery.status = DeliveryStatus.FAILED
    db.session.commit()

    auth.login_as(world.mediator)
    page = client.get("/webhooks").get_data(as_text=True)
    assert "http://127.0.0.1:9/hooks" in page and "dispute.opened" in page and "failed" in page
    assert client.post(f"/webhooks/deliveries/{delivery.id}/send-again").status_code == 303
    db.session.expire_all()
    again = db.session.get_one(WebhookDelivery, delivery.id)
    assert again.status is DeliveryStatus.PENDING and again.attempts == 1  # tried at once, refused again

    other = Marketplace(name="Elsewhere", policy="aliexpress")
    db.session.add(other)
    db.session.commit()
    auth.login_as(make_user("mediator", marketplace=other))
    assert "127.0.0.1:9" not in client.get("/webhooks").get_data(as_text=True)
    assert client.post(f"/webhooks/deliveries/{delivery.id}/send-again").status_code == 404
    auth.login_as(world.buyer)
    assert client.get("/webhooks").status_code == 403
