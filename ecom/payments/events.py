"""The payments' events: a refund the provider confirmed."""

from marshmallow import Schema, fields

from ecom.common.events import EventKind


class RefundSucceededSchema(Schema):
    refund_id = fields.Integer(required=True)
    payment_id = fields.Integer(required=True)
    order_id = fields.Integer(required=True)
    amount = fields.Decimal(required=True, as_string=True, places=2)
    currency = fields.String(required=True)


REFUND_SUCCEEDED = EventKind(
    "refund.succeeded",
    RefundSucceededSchema,
    description="The provider confirmed a refund (all or part of a captured payment).",
)
