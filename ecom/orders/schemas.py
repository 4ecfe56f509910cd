from datetime import UTC

import marshmallow as ma
from marshmallow import validate

from ecom.accounts.schemas import ShippingAddressSchema
from ecom.common.ids import ID_RANGE
from ecom.common.money import Money
from ecom.common.pagination import PageArgsSchema
from ecom.orders.models import ORDER_STATUSES, PAYMENT_STATUSES

STATUS = validate.OneOf(ORDER_STATUSES)


class OrderItemSchema(ma.Schema):
    product = ma.fields.Integer(attribute="product_id", metadata={"description": "Product id."})
    title = ma.fields.String(metadata={"description": "Product title when ordered."})
    unit_price = Money(metadata={"description": "Unit price when ordered."})
    quantity = ma.fields.Integer()
    subtotal = Money()


class OrderStatusChangeSchema(ma.Schema):
    from_status = ma.fields.String(allow_none=True, metadata={"description": "Null at creation."})
    to_status = ma.fields.String()
    changed_by = ma.fields.Integer(
        attribute="changed_by_id", allow_none=True, metadata={"description": "User id."}
    )
    note = ma.fields.String()
    created_at = ma.fields.DateTime()


class OrderSchema(ma.Schema):
    id = ma.fields.Integer()
    user = ma.fields.Integer(attribute="user_id", metadata={"description": "Customer's user id."})
    status = ma.fields.String(metadata={"enum": list(ORDER_STATUSES)})
    payment_status = ma.fields.String(metadata={"enum": list(PAYMENT_STATUSES)})
    items = ma.fields.List(ma.fields.Nested(OrderItemSchema))
    total_amount = Money()
    shipping_address = ma.fields.Nested(
        ShippingAddressSchema, metadata={"description": "Copy taken at checkout."}
    )
    history = ma.fields.List(
        ma.fields.Nested(OrderStatusChangeSchema), metadata={"description": "Oldest first."}
    )
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class CheckoutSchema(ma.Schema):
    shipping_address_id = ma.fields.Integer(
        strict=True,
        validate=ID_RANGE,
        metadata={"description": "One of the caller's addresses (default: the default one)."},
    )
    shipping_address = ma.fields.Nested(
        ShippingAddressSchema, metadata={"description": "An address given inline instead."}
    )


class IdempotencyHeaderSchema(ma.Schema):
    idempotency_key = ma.fields.String(
        data_key="Idempotency-Key",
        validate=validate.Length(min=1, max=255),
        metadata={
            "description": "Replaying a key returns the order it first created (200); "
            "the same key with a different cart is a 409."
        },
    )


class OrderListArgsSchema(PageArgsSchema):
    status = ma.fields.String(validate=STATUS)
    user = ma.fields.Integer(
        validate=ID_RANGE, metadata={"description": "Staff only: one customer's orders."}
    )
    created_after = ma.fields.AwareDateTime(
        default_timezone=UTC, metadata={"description": "ISO 8601 (UTC unless given); inclusive."}
    )
    created_before = ma.fields.AwareDateTime(
        default_timezone=UTC, metadata={"description": "ISO 8601 (UTC unless given); exclusive."}
    )


class StatusChangeSchema(ma.Schema):
    status = ma.fields.String(required=True, validate=STATUS)
    note = ma.fields.String(load_default="", validate=validate.Length(max=1000))


class CancelSchema(ma.Schema):
    note = ma.fields.String(load_default="", validate=validate.Length(max=1000))
