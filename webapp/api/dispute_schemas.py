"""The schemas of disputes, their parts and refunds: validation, answers and the OpenAPI document."""

from __future__ import annotations

from apiflask import fields, validators

from dispute_engine import REQUESTABLE, Reason, State
from webapp.api.schemas import AMOUNT, EXTERNAL_ID, ORDER_ID, FileIn, ListingOut, Schema, when


class DisputeOpenIn(Schema):
    order = fields.String(
        required=True, validate=ORDER_ID, metadata={"description": "The order's external id."}
    )
    received = fields.Boolean(required=True)
    reason = fields.String(required=True, validate=validators.OneOf([r.value for r in Reason]))
    resolution = fields.String(required=True, validate=validators.OneOf([r.value for r in REQUESTABLE]))
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
