"""The schemas of webhook endpoints and their delivery log."""

from __future__ import annotations

from apiflask import fields, validators

from webapp.api.schemas import Schema, when
from webapp.webhooks.models import EVENT_TYPES


class EndpointIn(Schema):
    url = fields.String(required=True, validate=validators.Length(min=1, max=2000))
    events = fields.List(
        fields.String(validate=validators.OneOf(EVENT_TYPES)),
        load_default=None,
        allow_none=True,
        metadata={"description": "Default: every event."},
    )


class EndpointOut(Schema):
    id = fields.Integer(required=True)
    url = fields.String(required=True)
    events = fields.List(fields.String(), required=True)
    created_at = when(required=True)


class EndpointCreated(EndpointOut):
    secret = fields.String(
        required=True, metadata={"description": "Shown once: keep it to verify signatures."}
    )


class EndpointList(Schema):
    items = fields.List(fields.Nested(EndpointOut), required=True)


class DeliveryOut(Schema):
    id = fields.Integer(required=True)
    msg_id = fields.String(required=True)
    event_type = fields.String(required=True)
    dispute_id = fields.Integer(required=True, allow_none=True)
    status = fields.String(required=True)
    attempts = fields.Integer(required=True)
    next_attempt_at = when(required=True, allow_none=True)
    last_status_code = fields.Integer(required=True, allow_none=True)
    last_error = fields.String(required=True)
    delivered_at = when(required=True, allow_none=True)


class DeliveryLine(DeliveryOut):
    """A delivery in a log (its own name: apispec keeps one name per use)."""


class DeliveryList(Schema):
    items = fields.List(fields.Nested(DeliveryLine), required=True)
