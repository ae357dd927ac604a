"""The API's request and response schemas: they validate, serialise and generate the OpenAPI document."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from apiflask import Schema as BaseSchema
from apiflask import fields, validators
from marshmallow import ValidationError, pre_load

from dispute_engine import Reason, Resolution, State
from webapp.accounts.models import MembershipTier
from webapp.webhooks.models import EVENT_TYPES

AMOUNT = validators.Regexp(
    r"^\d{1,10}(\.\d{1,2})?$", error="An amount like 45.00 (a dot, at most 2 decimals)."
)
LANGUAGE_TAG = r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$"
EXTERNAL_ID = validators.Length(min=1, max=64)
ORDER_ID = validators.Length(min=1, max=32)


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class Schema(BaseSchema):
    """Every API schema: text never carries NUL characters (no database keeps them)."""

    @pre_load
    def _refuse_nul(self, data: Any, **_kwargs: Any) -> Any:
        if _has_nul(data):
            raise ValidationError("Text must not contain NUL characters.", field_name="_schema")
        return data


def when(**kwargs: object) -> fields.AwareDateTime:
    """A timestamp with its time zone (UTC is assumed when none is given)."""
    return fields.AwareDateTime(format="iso", default_timezone=UTC, **kwargs)  # type: ignore[arg-type]


class FileIn(Schema):
    """A file sent inside JSON: its name and its bytes in base64 (the app never fetches a URL)."""

    filename = fields.String(required=True, validate=validators.Length(min=1, max=255))
    content_base64 = fields.String(required=True, validate=validators.Length(min=1))


class PersonIn(Schema):
    role = fields.String(required=True, validate=validators.OneOf(["buyer", "seller"]))
    name = fields.String(required=True, validate=validators.Length(min=1, max=120))
    email = fields.Email(required=True, validate=validators.Length(max=254))
    locale = fields.String(
        load_default="en",
        validate=[
            validators.Length(max=16),
            validators.Regexp(
                r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$", error="A language tag like en or pt-BR."
            ),
        ],
    )
    membership_tier = fields.String(
        load_default="regular", validate=validators.OneOf([t.value for t in MembershipTier])
    )


class PersonOut(Schema):
    id = fields.Integer(required=True)
    external_id = fields.String(required=True)
    role = fields.String(required=True)
    name = fields.String(required=True)
    email = fields.String(required=True)
    locale = fields.String(required=True)
    membership_tier = fields.String(required=True)
    created_at = when(required=True)


class ListingIn(Schema):
    title = fields.String(required=True, validate=validators.Length(min=1, max=200))
    description = fields.String(load_default="", validate=validators.Length(max=20_000))
    attributes = fields.Dict(
        keys=fields.String(validate=validators.Length(min=1, max=100)),
        values=fields.String(validate=validators.Length(max=1000)),
        load_default=dict,
    )
    price = fields.String(required=True, validate=AMOUNT)
    shipping = fields.String(load_default="0", validate=AMOUNT)
    photos = fields.List(fields.Nested(FileIn), load_default=list, validate=validators.Length(max=10))


class OrderIn(Schema):
    buyer = fields.String(
        required=True, validate=EXTERNAL_ID, metadata={"description": "The buyer's external id."}
    )
    seller = fields.String(
        required=True, validate=EXTERNAL_ID, metadata={"description": "The seller's external id."}
    )
    currency = fields.String(required=True, validate=validators.Regexp(r"^[A-Z]{3}$"))
    paid_at = when(required=True)
    protection_ends_at = when(
        load_default=None, allow_none=True, metadata={"description": "Default: 60 days after payment."}
    )
    listing = fields.Nested(ListingIn, required=True)


class PhotoOut(Schema):
    position = fields.Integer(required=True)
    filename = fields.String(required=True)
    content_type = fields.String(required=True)
    size = fields.Integer(required=True)
    sha256 = fields.String(required=True)


class ListingOut(Schema):
    title = fields.String(required=True)
    description = fields.String(required=True)
    attributes = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    price = fields.String(required=True)
    shipping = fields.String(required=True)
    currency = fields.String(required=True)
    taken_at = when(required=True)
    photos = fields.List(fields.Nested(PhotoOut), required=True)


class OrderOut(Schema):
    id = fields.Integer(required=True)
    external_id = fields.String(required=True)
    number = fields.String(required=True)
    buyer = fields.String(required=True)
    seller = fields.String(required=True)
    policy = fields.String(required=True)
    currency = fields.String(required=True)
    paid_at = when(required=True)
    dispatched_at = when(required=True, allow_none=True)
    tracking_number = fields.String(required=True, allow_none=True)
    tracking_status = fields.String(required=True)
    receipt_confirmed_at = when(required=True, allow_none=True)
    protection_ends_at = when(required=True)
    dispute_id = fields.Integer(required=True, allow_none=True)
    listing = fields.Nested(ListingOut, required=True, allow_none=True)


class ShippingEventIn(Schema):
    type = fields.String(
        required=True,
        validate=validators.OneOf(["dispatched", "delivered", "receipt_confirmed", "protection_extended"]),
    )
    at = when(load_default=None, allow_none=True, metadata={"description": "Default: now."})
    tracking_number = fields.String(
        load_default=None, allow_none=True, validate=validators.Length(min=1, max=64)
    )
    protection_ends_at = when(load_default=None, allow_none=True)


class DisputeOpenIn(Schema):
    order = fields.String(
        required=True, validate=ORDER_ID, metadata={"description": "The order's external id."}
    )
    received = fields.Boolean(required=True)
    reason = fields.String(required=True, validate=validators.OneOf([r.value for r in Reason]))
    resolution = fields.String(required=True, validate=validators.OneOf([r.value for r in Resolution]))
    amount = fields.String(required=True, validate=AMOUNT)
    description = fields.String(required=True, validate=validators.Length(max=4000))
    evidence = fields.List(fields.Nested(FileIn), load_default=list, validate=validators.Length(max=10))


class MessageIn(Schema):
    author = fields.String(
        required=True, validate=EXTERNAL_ID, metadata={"description": "Buyer's or seller's id."}
    )
    body = fields.String(required=True, validate=validators.Length(max=4000))


class EvidenceIn(Schema):
    author = fields.String(required=True, validate=EXTERNAL_ID)
    caption = fields.String(load_default="", validate=validators.Length(max=500))
    files = fields.List(fields.Nested(FileIn), required=True, validate=validators.Length(min=1, max=10))


class ProposalOut(Schema):
    id = fields.Integer(required=True)
    party = fields.String(required=True)
    resolution = fields.String(required=True)
    amount = fields.String(required=True)
    comment = fields.String(required=True)
    status = fields.String(required=True)
    created_at = when(required=True)


class MessageOut(Schema):
    id = fields.Integer(required=True)
    party = fields.String(required=True)
    author = fields.String(required=True, allow_none=True)
    body = fields.String(required=True)
    created_at = when(required=True)


class EvidenceOut(Schema):
    uuid = fields.String(required=True)
    party = fields.String(required=True)
    kind = fields.String(required=True)
    original_name = fields.String(required=True)
    content_type = fields.String(required=True)
    size = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    status = fields.String(required=True)
    caption = fields.String(required=True)
    removed = fields.Boolean(required=True)
    created_at = when(required=True)


class SolutionOut(Schema):
    position = fields.Integer(required=True)
    resolution = fields.String(required=True)
    amount = fields.String(required=True)
    comment = fields.String(required=True)


class DecisionOut(Schema):
    status = fields.String(required=True)
    comment = fields.String(required=True)
    created_at = when(required=True)
    answers_due_at = when(required=True)
    chosen_solution = fields.Integer(required=True, allow_none=True)
    solutions = fields.List(fields.Nested(SolutionOut), required=True)


class RefundOut(Schema):
    id = fields.Integer(required=True)
    dispute_id = fields.Integer(required=True)
    amount = fields.String(required=True)
    currency = fields.String(required=True)
    status = fields.String(required=True)
    due_at = when(required=True)
    refunded_at = when(required=True, allow_none=True)
    payment_reference = fields.String(required=True, allow_none=True)


class DisputeRefundOut(RefundOut):
    """The refund inside a dispute (its own name: apispec keeps one name per use)."""


class ReturnOut(Schema):
    status = fields.String(required=True)
    amount = fields.String(required=True)
    due_at = when(required=True)
    tracking_number = fields.String(required=True, allow_none=True)
    shipped_at = when(required=True, allow_none=True)


class DisputeOut(Schema):
    id = fields.Integer(required=True)
    order = fields.String(
        required=True, allow_none=True, metadata={"description": "The order's external id."}
    )
    order_number = fields.String(required=True)
    policy = fields.String(required=True)
    state = fields.String(required=True)
    must_act = fields.List(fields.String(), required=True, metadata={"description": "Who the rules wait on."})
    next_deadline_at = when(required=True, allow_none=True)
    next_deadline_kind = fields.String(required=True, allow_none=True)
    reason = fields.String(required=True)
    resolution = fields.String(required=True)
    amount = fields.String(required=True)
    currency = fields.String(required=True)
    opened_at = when(required=True)
    escalated_at = when(required=True, allow_none=True)
    closed_at = when(required=True, allow_none=True)
    outcome = fields.String(required=True, allow_none=True)
    updated_at = when(required=True)
    version = fields.Integer(required=True)


class DisputeDetailOut(DisputeOut):
    description = fields.String(required=True)
    proposals = fields.List(fields.Nested(ProposalOut), required=True)
    thread = fields.List(fields.Nested(MessageOut), required=True)
    evidence = fields.List(fields.Nested(EvidenceOut), required=True)
    decision = fields.Nested(DecisionOut, required=True, allow_none=True)
    refund = fields.Nested(DisputeRefundOut, required=True, allow_none=True)
    return_ = fields.Nested(ReturnOut, required=True, allow_none=True, data_key="return")
    listing = fields.Nested(ListingOut, required=True, allow_none=True)


class DisputeQuery(Schema):
    state = fields.String(validate=validators.OneOf([s.value for s in State]))
    updated_since = when()
    cursor = fields.String(validate=validators.Length(max=200))
    limit = fields.Integer(load_default=50, validate=validators.Range(min=1, max=100))


class DisputePage(Schema):
    items = fields.List(fields.Nested(DisputeOut), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


class MessageCreated(Schema):
    id = fields.Integer(required=True)
    dispute_id = fields.Integer(required=True)


class EvidenceCreated(Schema):
    items = fields.List(fields.Nested(EvidenceOut), required=True)


class RefundPaidIn(Schema):
    payment_reference = fields.String(required=True, validate=validators.Length(min=1, max=120))


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


class LoginLinkIn(Schema):
    dispute_id = fields.Integer(
        load_default=None,
        allow_none=True,
        validate=validators.Range(min=1, max=2**63 - 1),
        metadata={"description": "Land on this dispute; default: the person's home page."},
    )


class LoginLinkOut(Schema):
    url = fields.String(required=True, metadata={"description": "Valid 5 minutes, once."})
    expires_at = when(required=True)
