"""Delivering the outbox: signed (Standard Webhooks), after the commit, retried for over 24 h, in order.

A delivery is tried by the job system right after the commit that wrote it, then on a backoff
schedule; the clock's duty picks up whatever is due (a job lost with a killed process included).
Deliveries of one dispute to one endpoint go one at a time: the next waits until the earlier
succeeded, so a receiver never sees a dispute's events out of order.
"""

from __future__ import annotations

import http.client
import logging
import socket
import ssl
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import exists, select, update
from standardwebhooks.webhooks import Webhook

from dispute_engine import FormInvalid
from webapp.core import clock
from webapp.core.clock import clock_now
from webapp.core.duties import every_minute
from webapp.core.extensions import db
from webapp.jobs.queue import enqueue, enqueue_after_commit, job
from webapp.webhooks.addresses import Target, check_url
from webapp.webhooks.models import DeliveryStatus, WebhookDelivery
from webapp.webhooks.outbox import DELIVER_JOB

log = logging.getLogger(__name__)
# Seconds before each retry (Standard Webhooks' schedule): the last try comes about 27 h after the first.
RETRY_AFTER = (5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600)
MAX_ATTEMPTS = len(RETRY_AFTER) + 1
LEASE = timedelta(minutes=2)  # a claimed try that never reports back is tried again after this
BATCH = 200
ANSWER_KEPT = 500  # characters of a failed answer kept for the log


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the address that was checked, whatever DNS says now."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """The same over TLS: the certificate is checked against the host name."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=ssl.create_default_context())
        self._address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def send(url: str, secret: str, msg_id: str, payload: str) -> int:
    """POST the signed payload; the answer's status code. Raises OSError or FormInvalid when it cannot."""
    target = check_url(url, current_app.config["APP_ENV"])  # again: the address may have changed
    # The receiver checks the timestamp against its own clock: real time, never the app clock.
    sent_at = clock.real_now().replace(microsecond=0)
    signature = Webhook(secret).sign(msg_id, sent_at, payload)
    headers = {
        "content-type": "application/json",
        "user-agent": "disputes-webhooks/1",
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": signature,
    }
    timeout = float(current_app.config.get("WEBHOOK_TIMEOUT_SECONDS", 10))
    connection_class = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
    connection = connection_class(target, timeout)
    try:
        connection.request("POST", target.path, body=payload.encode(), headers=headers)
        response = connection.getresponse()
        response.read(ANSWER_KEPT)
        return response.status
    finally:
        connection.close()


def _earlier_undelivered(delivery: WebhookDelivery) -> bool:
    if delivery.dispute_id is None:
        return False
    earlier = select(WebhookDelivery.id).where(
        WebhookDelivery.endpoint_id == delivery.endpoint_id,
        WebhookDelivery.dispute_id == delivery.dispute_id,
        WebhookDelivery.message_id < delivery.message_id,
        WebhookDelivery.status != DeliveryStatus.DELIVERED,
    )
    return bool(db.session.scalar(select(exists(earlier))))


def _next_in_line(delivery: WebhookDelivery) -> int | None:
    return db.session.scalar(
        select(WebhookDelivery.id)
        .where(
            WebhookDelivery.endpoint_id == delivery.endpoint_id,
            WebhookDelivery.dispute_id == delivery.dispute_id,
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.message_id > delivery.message_id,
        )
        .order_by(WebhookDelivery.message_id)
        .limit(1)
    )


def _claim(delivery: WebhookDelivery, now: datetime) -> bool:
    """Take this try (one conditional UPDATE); committed, so a dead worker's try is retried after LEASE."""
    claimed = db.session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == delivery.id,
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.attempts == delivery.attempts,
        )
        .values(attempts=delivery.attempts + 1, last_attempt_at=now, next_attempt_at=now + LEASE)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return bool(getattr(claimed, "rowcount", 0))


@job(DELIVER_JOB)
def attempt(delivery_id: int) -> bool:
    """Try one delivery if it is due and first in its line; True when the endpoint took it (2xx)."""
    now = clock_now(db.session)
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.status is not DeliveryStatus.PENDING or delivery.next_attempt_at > now:
        return False
    if _earlier_undelivered(delivery) or not _claim(delivery, now):
        db.session.rollback()
        return False
    db.session.refresh(delivery)
    status, error = None, ""
    try:
        status = send(
            delivery.endpoint.url, delivery.endpoint.secret, delivery.message.msg_id, delivery.message.payload
        )
    except FormInvalid as refused:
        error = refused.errors.get("url", "refused")
    except (OSError, http.client.HTTPException) as failed:
        error = f"{type(failed).__name__}: {failed}"[:ANSWER_KEPT]
    delivered = status is not None and 200 <= status < 300
    delivery.last_status_code, delivery.last_error = status, error
    if delivered:
        delivery.status, delivery.delivered_at = DeliveryStatus.DELIVERED, now
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED
    else:
        delivery.next_attempt_at = now + timedelta(seconds=RETRY_AFTER[delivery.attempts - 1])
    following = _next_in_line(delivery) if delivered else None
    retry_in = (delivery.next_attempt_at - now).total_seconds()
    pending = delivery.status is DeliveryStatus.PENDING
    db.session.commit()
    try:
        if following is not None:
            enqueue(DELIVER_JOB, following)
        elif pending:
            enqueue(DELIVER_JOB, delivery_id, delay=retry_in)
    except Exception:  # the broker may be down: the clock's duty queues it when due
        log.exception("could not queue webhook delivery after %s", delivery_id)
    return delivered


@every_minute(order=40, done="webhook(s) queued")
def deliver_due() -> int:
    """Queue every delivery that is due and first in its line (retries, and jobs lost with a process)."""
    now = clock_now(db.session)
    due = db.session.scalars(
        select(WebhookDelivery)
        .where(WebhookDelivery.status == DeliveryStatus.PENDING, WebhookDelivery.next_attempt_at <= now)
        .order_by(WebhookDelivery.message_id)
        .limit(BATCH)
    ).all()
    heads = [d.id for d in due if not _earlier_undelivered(d)]
    db.session.commit()
    for delivery_id in heads:
        try:
            enqueue(DELIVER_JOB, delivery_id)
        except Exception:  # the broker may be down: the next minute tries again
            log.exception("could not queue webhook delivery %s", delivery_id)
    return len(heads)


def send_again(delivery: WebhookDelivery, now: datetime) -> None:
    """Try a delivery again from the start of the schedule (after the endpoint was fixed)."""
    delivery.status = DeliveryStatus.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = now
    db.session.flush()
    enqueue_after_commit(DELIVER_JOB, [delivery.id])
