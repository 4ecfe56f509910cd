"""The returns' events: a return asked for, and each step of its status machine."""

from marshmallow import Schema, fields

from ecom.common.events import EventKind


class ReturnRequestedSchema(Schema):
    return_id = fields.Integer(required=True)
    order_id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    units = fields.Integer(required=True)


class ReturnStatusChangedSchema(Schema):
    return_id = fields.Integer(required=True)
    order_id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    from_status = fields.String(required=True)
    to_status = fields.String(required=True)
    changed_by_id = fields.Integer(required=True, allow_none=True)


RETURN_REQUESTED = EventKind(
    "return.requested",
    ReturnRequestedSchema,
    description="A customer asked to return delivered units of an order.",
)
RETURN_STATUS_CHANGED = EventKind(
    "return.status_changed",
    ReturnStatusChangedSchema,
    description="A return was approved, rejected, received, refunded or cancelled.",
)
