"""The orders' events: an order placed, its status and its payment status changed."""

from marshmallow import Schema, fields

from ecom.common.events import EventKind


class OrderPlacedSchema(Schema):
    order_id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    total = fields.Decimal(required=True, as_string=True, places=2)


class OrderStatusChangedSchema(Schema):
    order_id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    from_status = fields.String(required=True)
    to_status = fields.String(required=True)
    # None when the shop itself moved the order (e.g. an unpaid order expired).
    changed_by_id = fields.Integer(required=True, allow_none=True)


class PaymentStatusChangedSchema(Schema):
    order_id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    from_status = fields.String(required=True)
    to_status = fields.String(required=True)


ORDER_PLACED = EventKind(
    "order.placed", OrderPlacedSchema, description="A checkout created an order (pending)."
)
ORDER_STATUS_CHANGED = EventKind(
    "order.status_changed",
    OrderStatusChangedSchema,
    description="An order moved along its status machine (paid, shipped, cancelled, ...).",
)
ORDER_PAYMENT_STATUS_CHANGED = EventKind(
    "order.payment_status_changed",
    PaymentStatusChangedSchema,
    description="An order's payment status changed: paid, or refunded after a cancellation.",
)
