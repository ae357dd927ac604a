"""Webhook endpoints through the API (scope webhooks:manage): add, list, remove, their log, send again."""

from __future__ import annotations

from typing import Any

from webapp.api.blueprint import bp, marketplace, scope
from webapp.api.idempotency import idempotent
from webapp.api.webhook_schemas import DeliveryList, DeliveryOut, EndpointCreated, EndpointIn, EndpointList
from webapp.core import clock
from webapp.webhooks.delivery import send_again
from webapp.webhooks.endpoints import (
    active_endpoints,
    add_endpoint,
    delivery_log,
    delivery_of,
    disable,
    endpoint_of,
)
from webapp.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

ID = "int(max=9223372036854775807)"


def endpoint_out(endpoint: WebhookEndpoint) -> dict[str, Any]:
    """An endpoint as the API shows it (never its secret)."""
    return {
        "id": endpoint.id,
        "url": endpoint.url,
        "events": endpoint.events.split(),
        "created_at": endpoint.created_at,
    }


def delivery_out(delivery: WebhookDelivery) -> dict[str, Any]:
    """One line of an endpoint's delivery log."""
    return {
        "id": delivery.id,
        "msg_id": delivery.message.msg_id,
        "event_type": delivery.message.event_type,
        "dispute_id": delivery.dispute_id,
        "status": delivery.status.value,
        "attempts": delivery.attempts,
        "next_attempt_at": delivery.next_attempt_at if delivery.status is DeliveryStatus.PENDING else None,
        "last_status_code": delivery.last_status_code,
        "last_error": delivery.last_error,
        "delivered_at": delivery.delivered_at,
    }


@bp.post("/webhook-endpoints")
@scope("webhooks:manage")
@idempotent(lambda: marketplace().id)
@bp.input(EndpointIn, arg_name="data")
@bp.output(EndpointCreated, status_code=201)
@bp.doc(summary="Add a webhook endpoint", responses=[401, 403, 422, 429])
def create_endpoint(data: dict[str, Any]) -> dict[str, Any]:
    """Events go to this URL, signed with the secret in the answer (Standard Webhooks); shown once.

    Only https in production, and never a private or loopback address.
    """
    endpoint, secret = add_endpoint(marketplace().id, data["url"], data["events"], clock.now())
    return {**endpoint_out(endpoint), "secret": secret}


@bp.get("/webhook-endpoints")
@scope("webhooks:manage")
@bp.output(EndpointList)
@bp.doc(summary="The webhook endpoints", responses=[401, 403, 429])
def list_endpoints() -> dict[str, Any]:
    """The marketplace's endpoints (without their secrets)."""
    return {"items": [endpoint_out(e) for e in active_endpoints(marketplace().id)]}


@bp.delete(f"/webhook-endpoints/<{ID}:endpoint_id>")
@scope("webhooks:manage")
@bp.output({}, status_code=204)
@bp.doc(summary="Remove a webhook endpoint", responses=[401, 403, 404, 429])
def delete_endpoint(endpoint_id: int) -> tuple[str, int]:
    """Nothing more is sent there; its log stays."""
    disable(endpoint_of(marketplace().id, endpoint_id), clock.now())
    return "", 204


@bp.get(f"/webhook-endpoints/<{ID}:endpoint_id>/deliveries")
@scope("webhooks:manage")
@bp.output(DeliveryList)
@bp.doc(summary="An endpoint's delivery log", responses=[401, 403, 404, 429])
def endpoint_deliveries(endpoint_id: int) -> dict[str, Any]:
    """The latest deliveries, newest first: status, tries, next try, last answer."""
    endpoint = endpoint_of(marketplace().id, endpoint_id)
    return {"items": [delivery_out(d) for d in delivery_log(endpoint.id)]}


@bp.post(f"/webhook-deliveries/<{ID}:delivery_id>/send-again")
@scope("webhooks:manage")
@idempotent(lambda: marketplace().id)
@bp.output(DeliveryOut, status_code=202)
@bp.doc(summary="Send a delivery again", responses=[401, 403, 404, 429])
def deliver_again(delivery_id: int) -> dict[str, Any]:
    """Start the delivery's schedule again (after the endpoint was fixed)."""
    delivery = delivery_of(marketplace().id, delivery_id)
    send_again(delivery, clock.now())
    return delivery_out(delivery)
