"""Webhooks reach a receiver that fails or hangs at first: every event arrives, signed, in order."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from api_helpers import Api, make_api
from receiver import Receiver, receiver
from sqlalchemy import select

from webapp.core.clock import travel
from webapp.core.extensions import db
from webapp.webhooks.delivery import deliver_due
from webapp.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookMessage

ROOT = Path(__file__).resolve().parents[3]
PENDING = DeliveryStatus.PENDING


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"WEBHOOK_TIMEOUT_SECONDS": 0.5}


@pytest.fixture
def api(client: Any, db_session: Any) -> Api:
    return make_api(client, "Hooked")


def hook(api: Api, url: str) -> str:
    """Add the receiver as the marketplace's endpoint; its secret."""
    created = api.post("/webhook-endpoints", {"url": url})
    assert created.status_code == 201, created.json
    return created.json["secret"]


def story(api: Api) -> int:
    """A dispute opened, then a message from the seller: two events of one dispute."""
    api.people_and_order()
    dispute = api.open_dispute()
    assert (
        api.post(f"/disputes/{dispute['id']}/messages", {"author": "s-1", "body": "Sorry"}).status_code == 201
    )
    return dispute["id"]


def retry_until_all_delivered(rounds: int = 12) -> None:
    """Let the clock move on and run its duty, as the clock process would, until nothing is pending."""
    for _ in range(rounds):
        db.session.expire_all()
        pending = db.session.scalar(
            select(WebhookDelivery.id).where(WebhookDelivery.status == DeliveryStatus.PENDING)
        )
        if pending is None:
            return
        travel(db.session, timedelta(hours=2))
        deliver_due()


def messages() -> list[str]:
    return list(db.session.scalars(select(WebhookMessage.msg_id).order_by(WebhookMessage.id)))


def assert_all_delivered_in_order(got: Receiver, secret: str) -> None:
    sent = messages()
    assert got.delivered() == sent
    events = [payload["type"] for payload in got.verified(secret)]
    assert events == ["dispute.opened", "dispute.updated"]
    statuses = set(db.session.scalars(select(WebhookDelivery.status)))
    assert statuses == {DeliveryStatus.DELIVERED}


def test_a_receiver_that_fails_three_times_gets_every_event_once_it_recovers(api: Api):
    with receiver(lambda n: "fail" if n <= 3 else "ok") as got:
        secret = hook(api, got.url)
        story(api)
        retry_until_all_delivered()
        assert_all_delivered_in_order(got, secret)
        first_ok = next(i for i, r in enumerate(got.requests) if r.answered == "ok")
        # The dispute's second event was never tried before its first was delivered.
        assert {r.headers["webhook-id"] for r in got.requests[: first_ok + 1]} == {messages()[0]}
    log = api.get("/webhook-endpoints").json["items"][0]
    deliveries = api.get(f"/webhook-endpoints/{log['id']}/deliveries").json["items"]
    assert [d["attempts"] for d in reversed(deliveries)] == [4, 1]


def test_a_receiver_that_times_out_gets_every_event_once_it_answers(api: Api):
    with receiver(lambda n: "hang" if n <= 2 else "ok") as got:
        secret = hook(api, got.url)
        story(api)
        retry_until_all_delivered()
        assert_all_delivered_in_order(got, secret)
    deliveries = db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)).all()
    assert deliveries[0].attempts == 3 and deliveries[0].last_status_code == 200


KILLED_AFTER_COMMIT = """
import os, signal, sys
from webapp import create_app
from webapp.core.clock import clock_now
from webapp.core.extensions import db
from webapp.accounts.models import User
from webapp.disputes.negotiation import send_message
from webapp.disputes.pipeline import perform
from dispute_engine import Action
from webapp.jobs import queue

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)  # committed, not yet delivered

queue.enqueue = die
url, media = os.environ["URL"], os.environ["MEDIA"]
app = create_app({"SQLALCHEMY_DATABASE_URI": url, "JOBS": "eager", "MEDIA_ROOT": media})
with app.app_context():
    seller = db.session.scalar(db.select(User).where(User.external_id == "s-1"))
    now = clock_now(db.session)
    perform(seller, int(sys.argv[1]), Action.SEND_MESSAGE, now, lambda c: send_message(c, "Hi"))
    db.session.commit()
    print("not killed")
"""


def test_a_process_killed_between_commit_and_delivery_loses_no_event(app, api: Api, tmp_path: Path):
    with receiver(lambda n: "ok") as got:
        secret = hook(api, got.url)
        api.people_and_order()
        dispute = api.open_dispute()
        environment = {**os.environ, "URL": app.config["SQLALCHEMY_DATABASE_URI"], "MEDIA": str(tmp_path)}
        killed = subprocess.run(
            [sys.executable, "-c", KILLED_AFTER_COMMIT, str(dispute["id"])],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert killed.returncode == -9, killed.stdout + killed.stderr
        db.session.expire_all()
        waiting = db.session.scalars(
            select(WebhookDelivery).where(WebhookDelivery.status == DeliveryStatus.PENDING)
        )
        assert [(d.message.event_type, d.attempts) for d in waiting] == [("dispute.updated", 0)]
        assert deliver_due() == 1
        assert_all_delivered_in_order(got, secret)
