"""A marketplace's webhook endpoints: added with a secret shown once, listed, disabled; their deliveries."""

from __future__ import annotations

import base64
import secrets
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from dispute_engine import FormInvalid
from dispute_engine.words import N_, Words
from webapp.core.extensions import db
from webapp.core.refusals import NotFound
from webapp.webhooks.addresses import check_url
from webapp.webhooks.models import EVENT_TYPES, WebhookDelivery, WebhookEndpoint

MAX_ENDPOINTS = 10
LOG_SIZE = 50


class EndpointNotFound(NotFound):
    """No such webhook endpoint in this marketplace."""

    explanation: str = Words(N_("There is no such webhook endpoint in this marketplace."))


class DeliveryNotFound(NotFound):
    """No such webhook delivery in this marketplace."""

    explanation: str = Words(N_("There is no such webhook delivery in this marketplace."))


def active_endpoints(marketplace_id: int) -> list[WebhookEndpoint]:
    """The marketplace's endpoints that receive events, oldest first."""
    return list(
        db.session.scalars(
            select(WebhookEndpoint)
            .where(WebhookEndpoint.marketplace_id == marketplace_id, WebhookEndpoint.disabled_at.is_(None))
            .order_by(WebhookEndpoint.id)
        )
    )


def add_endpoint(
    marketplace_id: int, url: str, events: list[str] | None, now: datetime
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its signing secret (the only time the secret is shown)."""
    chosen = list(dict.fromkeys(events or EVENT_TYPES))
    unknown = [e for e in chosen if e not in EVENT_TYPES]
    if unknown:
        raise FormInvalid({"events": Words(N_("Unknown event(s): %(events)s."), events=", ".join(unknown))})
    check_url(url, current_app.config["APP_ENV"])
    if len(active_endpoints(marketplace_id)) >= MAX_ENDPOINTS:
        raise FormInvalid(
            {
                "url": Words(
                    N_("A marketplace has at most %(count)s endpoints; remove one first."),
                    count=MAX_ENDPOINTS,
                )
            }
        )
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()
    endpoint = WebhookEndpoint(
        marketplace_id=marketplace_id,
        url=url.strip(),
        secret=secret,
        events=" ".join(e for e in EVENT_TYPES if e in chosen),
        created_at=now,
    )
    db.session.add(endpoint)
    db.session.flush()
    return endpoint, secret


def endpoint_of(marketplace_id: int, endpoint_id: int) -> WebhookEndpoint:
    """The marketplace's endpoint (404 for any other marketplace's, and for disabled ones)."""
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or endpoint.marketplace_id != marketplace_id or endpoint.disabled_at is not None:
        raise EndpointNotFound(endpoint_id)
    return endpoint


def disable(endpoint: WebhookEndpoint, now: datetime) -> None:
    """Stop sending to the endpoint; its log stays."""
    endpoint.disabled_at = now


def delivery_log(endpoint_id: int, limit: int = LOG_SIZE) -> list[WebhookDelivery]:
    """The endpoint's latest deliveries, newest first."""
    return list(
        db.session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint_id)
            .order_by(WebhookDelivery.id.desc())
            .limit(limit)
        )
    )


def delivery_of(marketplace_id: int, delivery_id: int) -> WebhookDelivery:
    """The marketplace's delivery (404 for any other marketplace's)."""
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.endpoint.marketplace_id != marketplace_id:
        raise DeliveryNotFound(delivery_id)
    return delivery
