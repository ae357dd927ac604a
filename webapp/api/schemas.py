"""The API's request and response schemas: they validate, serialise and generate the OpenAPI document."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from apiflask import Schema as BaseSchema
from apiflask import fields, validators
from marshmallow import ValidationError, pre_load

from webapp.accounts.models import MembershipTier

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
        load_default=None,
        allow_none=True,
        metadata={"description": "The person's language (en, ru, pt-BR...); null or absent: not chosen."},
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
    locale = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "The language the person chose; null until they choose one."},
    )
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
