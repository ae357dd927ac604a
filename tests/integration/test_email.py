"""H2 by email: notifications go through a real SMTP server (aiosmtpd on localhost), each exactly once."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from dispute_world import NOW, World, ago
from sqlalchemy import select

from dispute_engine import Action
from webapp.core.config import ConfigError, from_env
from webapp.core.extensions import db
from webapp.disputes import negotiation
from webapp.history.models import Notification
from webapp.notifications.delivery import deliver_pending

PUBLIC_URL = "https://disputes.example"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """An aiosmtpd handler keeping every message; it can refuse addresses and answer slowly."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.refused: set[str] = set()
        self.delay = 0.0
        self.logins: list[tuple[bytes, bytes]] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.refused:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        if isinstance(data, LoginPassword):
            self.logins.append((data.login, data.password))
            return AuthResult(success=data.password == b"s3cret")
        return AuthResult(success=False)

    def to(self, address: str) -> list[EmailMessage]:
        return [message for recipients, message in self.messages if address in recipients]


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on a free localhost port (AUTH allowed without TLS, for the login test)."""
    handler = Inbox()
    port = free_port()
    controller = Controller(
        handler, hostname="127.0.0.1", port=port, authenticator=handler.authenticate, auth_require_tls=False
    )
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@pytest.fixture
def app_config(inbox: tuple[Inbox, int]) -> dict[str, Any]:
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": inbox[1], "MAIL_TIMEOUT": 5, "PUBLIC_URL": PUBLIC_URL}


def notifications() -> list[Notification]:
    db.session.expire_all()
    return list(db.session.scalars(select(Notification).order_by(Notification.id)))


def opened_and_rejected(world: World):
    """Two notifications: the seller hears of the opening, the buyer of the rejection."""
    dispute = world.open(ago(2))
    world.act(
        world.seller, dispute, Action.REJECT_REQUEST, ago(1), lambda c: negotiation.reject_request(c, {})
    )
    return dispute


def test_h2_each_notification_is_emailed_once_with_its_summary_and_link(app, inbox, world: World):
    handler, _port = inbox
    dispute = opened_and_rejected(world)
    assert deliver_pending() == 2
    assert deliver_pending() == 0  # a second run finds nothing left
    assert len(handler.messages) == 2
    (to_buyer,) = handler.to(world.buyer.email)
    assert to_buyer["To"].addresses[0].addr_spec == world.buyer.email
    assert to_buyer["Subject"].startswith(f"Dispute #{dispute.id} (Teapot): The seller rejected")
    body = to_buyer.get_content()
    assert "The seller rejected the buyer's request" in body
    assert f"{PUBLIC_URL}/disputes/{dispute.id}" in body
    (to_seller,) = handler.to(world.seller.email)
    assert "opened" in to_seller.get_content()
    assert all(n.emailed_at is not None for n in notifications())


def test_two_senders_at_once_never_send_one_twice(app, inbox, world: World):
    handler, _port = inbox
    handler.delay = 0.05
    dispute = opened_and_rejected(world)
    for body in ("One", "Two", "Three"):
        world.act(
            world.buyer, dispute, Action.SEND_MESSAGE, NOW, lambda c, b=body: negotiation.send_message(c, b)
        )
    expected = len(notifications())
    counts: list[int] = []

    def sender() -> None:
        with app.app_context():
            counts.append(deliver_pending())

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sum(counts) == expected == len(handler.messages) == 5
    ids = [message["Message-ID"] for _rcpt, message in handler.messages]
    assert len(set(ids)) == len(ids)


def test_a_request_that_notifies_emails_after_its_commit(app, client, auth, inbox, world: World):
    handler, _port = inbox
    dispute = world.open(ago(1))  # written outside a request: the seller's email waits for a run
    auth.login_as(world.buyer)
    client.get(f"/disputes/{dispute.id}", buffered=True)
    assert handler.messages == []  # a request that notified nobody sends nothing
    auth.login_as(world.seller)
    response = client.post(
        f"/disputes/{dispute.id}/reject-request", data={"version": dispute.version}, buffered=True
    )
    assert response.status_code == 303
    # Delivery runs in its own session once the response is closed: it could only see committed rows.
    # It sends what this request wrote; the older one is left to the tick (or the CLI).
    assert [rcpt for rcpt, _m in handler.messages] == [[world.buyer.email]]
    assert [n.emailed_at is not None for n in notifications()] == [False, True]
    assert deliver_pending() == 1
    assert [rcpt for rcpt, _m in handler.messages] == [[world.buyer.email], [world.seller.email]]


def test_a_refused_connection_never_breaks_the_request_and_is_retried_later(
    app, client, auth, runner, inbox, world: World
):
    handler, port = inbox
    app.config["MAIL_PORT"] = free_port()  # nobody listens there
    dispute = world.open(ago(1))
    auth.login_as(world.seller)
    response = client.post(
        f"/disputes/{dispute.id}/reject-request", data={"version": dispute.version}, buffered=True
    )
    assert response.status_code == 303
    assert client.get(response.headers["Location"]).status_code == 200
    assert all(n.emailed_at is None for n in notifications())
    assert runner.invoke(args=["notifications", "deliver"]).output == "0 email(s) sent.\n"
    app.config["MAIL_PORT"] = port  # the server is back
    assert runner.invoke(args=["notifications", "deliver"]).output == "2 email(s) sent.\n"
    assert len(handler.messages) == 2 and all(n.emailed_at is not None for n in notifications())


def test_a_refused_address_is_skipped_and_the_others_still_go(app, inbox, world: World):
    handler, _port = inbox
    handler.refused.add(world.seller.email)
    opened_and_rejected(world)
    assert deliver_pending() == 1
    assert handler.to(world.buyer.email) and not handler.to(world.seller.email)
    emailed = {n.user_id: n.emailed_at for n in notifications()}
    assert emailed[world.seller.id] is None and emailed[world.buyer.id] is not None


def test_old_notifications_are_never_emailed(app, inbox, world: World):
    handler, _port = inbox
    dispute = world.open(ago(8))  # older than MAIL_MAX_AGE_DAYS (7)
    world.act(
        world.seller, dispute, Action.REJECT_REQUEST, ago(6), lambda c: negotiation.reject_request(c, {})
    )
    assert deliver_pending() == 1
    assert [rcpt for rcpt, _m in handler.messages] == [[world.buyer.email]]


def test_the_mailer_logs_in_when_a_username_is_set(app, inbox, world: World):
    handler, _port = inbox
    app.config.update(
        MAIL_USERNAME="disputes", MAIL_PASSWORD="s3cret", MAIL_FROM="Disputes <mail@disputes.example>"
    )
    opened_and_rejected(world)
    assert deliver_pending() == 2
    assert handler.logins == [(b"disputes", b"s3cret")]
    assert handler.messages[0][1]["From"] == "Disputes <mail@disputes.example>"


def test_without_mail_server_nothing_is_sent_and_mail_stays_in_the_outbox(app, runner, inbox, world: World):
    handler, _port = inbox
    app.config["MAIL_SERVER"] = ""
    opened_and_rejected(world)
    assert deliver_pending() == 0
    assert "/outbox" in runner.invoke(args=["notifications", "deliver"]).output
    assert handler.messages == [] and all(n.emailed_at is None for n in notifications())


def test_mail_settings_from_the_environment() -> None:
    settings = from_env(
        "/srv/instance", {"MAIL_SERVER": "smtp.example", "MAIL_PORT": "587", "MAIL_USE_TLS": "1"}
    )
    assert (settings["MAIL_SERVER"], settings["MAIL_PORT"], settings["MAIL_USE_TLS"]) == (
        "smtp.example",
        587,
        True,
    )
    assert settings["PUBLIC_URL"] == "http://127.0.0.1:5000" and from_env("/srv", {})["MAIL_SERVER"] == ""
    with pytest.raises(ConfigError, match="PUBLIC_URL"):
        from_env("/srv", {"APP_ENV": "production", "SECRET_KEY": "x" * 32, "MAIL_SERVER": "smtp.example"})
