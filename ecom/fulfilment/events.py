"""Fulfilment's events: a parcel left, a parcel arrived."""

from marshmallow import Schema, fields

from ecom.common.events import EventKind


class FulfilmentLineSchema(Schema):
    line_id = fields.Integer(required=True, metadata={"description": "The order line."})
    sku = fields.String(required=True)
    quantity = fields.Integer(required=True)


class FulfilmentCreatedSchema(Schema):
    order_id = fields.Integer(required=True)
    user_id = fields.Integer(required=True, metadata={"description": "The order's customer."})
    fulfilment_id = fields.Integer(required=True)
    lines = fields.List(fields.Nested(FulfilmentLineSchema), required=True)
    carrier_id = fields.Integer(required=True)
    carrier = fields.String(required=True, metadata={"description": "The carrier's name."})
    tracking_number = fields.String(required=True)
    tracking_url = fields.String(required=True)


class FulfilmentDeliveredSchema(Schema):
    order_id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    fulfilment_id = fields.Integer(required=True)


FULFILMENT_CREATED = EventKind(
    "fulfilment.created",
    FulfilmentCreatedSchema,
    description="Staff shipped some units of an order: a parcel with a carrier and a "
    "tracking number.",
)
FULFILMENT_DELIVERED = EventKind(
    "fulfilment.delivered",
    FulfilmentDeliveredSchema,
    description="A parcel arrived (marked alone, with its whole order, or by the order's "
    "status change to delivered).",
)
