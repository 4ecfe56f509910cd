from typing import Any

import marshmallow as ma
from marshmallow import validate

from ecom.accounts.schemas import ShippingAddressCopySchema, ShippingAddressSchema
from ecom.common.field_messages import N_
from ecom.common.ids import ID_RANGE
from ecom.common.money import Currency, Money
from ecom.common.schemas import ResponseSchema, Text
from ecom.orders.models import ORDER_STATUSES, PAYMENT_STATUSES
from ecom.orders.transitions import SET_BY_UNITS
from ecom.pricing.schemas import Rate

STATUS = validate.OneOf(ORDER_STATUSES)
# What staff may ask for; the others follow the units shipped.
SETTABLE_STATUS = validate.OneOf([s for s in ORDER_STATUSES if s not in SET_BY_UNITS])


class OrderItemSchema(ResponseSchema):
    """A line as sold: its price, its share of the voucher and its tax, kept at checkout;
    then its units shipped and arrived."""

    id = ma.fields.Integer(
        metadata={"description": "The line's id: what a fulfilment or a return names."}
    )
    product = ma.fields.Integer(attribute="product_id", metadata={"description": "Product id."})
    variant_id = ma.fields.Integer(metadata={"description": "The variant sold."})
    title = ma.fields.String(metadata={"description": "Product title when ordered."})
    sku = ma.fields.String(metadata={"description": "The variant's SKU when ordered."})
    variant_label = ma.fields.String(
        metadata={
            "description": 'Its option values when ordered, e.g. "M / Red"; "" for a product '
            "without options."
        }
    )
    unit_price_undiscounted = Money(metadata={"description": "Regular unit price when ordered."})
    unit_price = Money(metadata={"description": "Unit price paid, after any promotion."})
    promotion = ma.fields.String(
        attribute="promotion_name", allow_none=True, metadata={"description": "Its name."}
    )
    quantity = ma.fields.Integer()
    subtotal = Money(metadata={"description": "Unit price × quantity, before the voucher."})
    discount = Money(attribute="discount_amount", metadata={"description": "Voucher's share."})
    net = Money(attribute="net_amount")
    tax_rate = Rate(metadata={"description": "Percent."})
    tax = Money(attribute="tax_amount")
    gross = Money(attribute="gross_amount", metadata={"description": "What the line costs."})
    quantity_fulfilled = ma.fields.Integer(metadata={"description": "Units shipped."})
    quantity_delivered = ma.fields.Integer(metadata={"description": "Units known to have arrived."})
    delivered_at = ma.fields.DateTime(
        allow_none=True, metadata={"description": "When the last units arrived; null before."}
    )


class OrderShippingSchema(ResponseSchema):
    method_id = ma.fields.Integer(allow_none=True, metadata={"description": "Null once deleted."})
    name = ma.fields.String(metadata={"description": "The method's name when ordered."})
    gross = Money(metadata={"description": "What shipping cost, tax included."})
    tax_rate = Rate(metadata={"description": "Percent."})
    tax = Money()


class OrderStatusChangeSchema(ResponseSchema):
    from_status = ma.fields.String(allow_none=True, metadata={"description": "Null at creation."})
    to_status = ma.fields.String()
    changed_by = ma.fields.Integer(
        attribute="changed_by_id", allow_none=True, metadata={"description": "User id."}
    )
    note = ma.fields.String()
    created_at = ma.fields.DateTime()


class OrderSchema(ResponseSchema):
    id = ma.fields.Integer()
    user = ma.fields.Integer(attribute="user_id", metadata={"description": "Customer's user id."})
    status = ma.fields.String(metadata={"enum": list(ORDER_STATUSES)})
    payment_status = ma.fields.String(metadata={"enum": list(PAYMENT_STATUSES)})
    items = ma.fields.List(ma.fields.Nested(OrderItemSchema))
    subtotal = Money(attribute="subtotal_amount", metadata={"description": "Sum of the lines."})
    discount = Money(attribute="discount_amount", metadata={"description": "The voucher's."})
    voucher_code = ma.fields.String(allow_none=True)
    shipping = ma.fields.Nested(
        OrderShippingSchema,
        attribute="shipping_charge",
        allow_none=True,
        metadata={"description": "The method chosen and its charge, or null."},
    )
    tax = Money(attribute="tax_amount", metadata={"description": "Of the lines and shipping."})
    total_amount = Money()
    prices_include_tax = ma.fields.Boolean()
    reverse_charge = ma.fields.Boolean(
        metadata={"description": "EU B2B: zero-rated, the buyer accounts for the VAT."}
    )
    currency = Currency()
    shipping_address = ma.fields.Nested(
        ShippingAddressCopySchema, metadata={"description": "Copy taken at checkout."}
    )
    history = ma.fields.List(
        ma.fields.Nested(OrderStatusChangeSchema), metadata={"description": "Oldest first."}
    )
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class CheckoutSchema(ma.Schema):
    class Meta:
        example = {"shipping_address_id": 1, "shipping_method_id": 1}

    shipping_address_id = ma.fields.Integer(
        strict=True,
        validate=ID_RANGE,
        metadata={"description": "One of the caller's addresses (default: the default one)."},
    )
    shipping_address = ma.fields.Nested(
        ShippingAddressSchema, metadata={"description": "An address given inline instead."}
    )
    shipping_method_id = ma.fields.Integer(
        strict=True,
        validate=ID_RANGE,
        metadata={
            "description": "A method offered for the address (`GET cart/shipping-methods/`); "
            "required once the shop has shipping methods."
        },
    )


class IdempotencyHeaderSchema(ma.Schema):
    idempotency_key = Text(
        data_key="Idempotency-Key",
        validate=validate.Length(min=1, max=255),
        metadata={
            "description": "Replaying a key with the same request returns the order it first "
            "created (200); the same key with another request or cart is a 422."
        },
    )


class StatusChangeSchema(ma.Schema):
    class Meta:
        example = {"status": "processing", "note": "Picked and packed."}

    status = Text(required=True, validate=SETTABLE_STATUS)
    note = Text(load_default="", validate=validate.Length(max=1000))


class StatusPatchSchema(ma.Schema):
    class Meta:
        example = {"status": "shipped", "note": "Left the warehouse."}
        # A note goes with a status change (``note_needs_status``).
        joint_rules = {
            "description": "A `note` only with a `status`.",
            "not": {"required": ["note"], "not": {"required": ["status"]}},
        }

    status = Text(validate=SETTABLE_STATUS)
    note = Text(validate=validate.Length(max=1000))

    @ma.validates_schema
    def note_needs_status(self, data: dict, **kwargs: Any) -> None:
        if "note" in data and "status" not in data:
            raise ma.ValidationError({"note": [N_("A note goes with a status.")]})


class CancelSchema(ma.Schema):
    class Meta:
        example = {"note": "Ordered by mistake."}

    note = Text(load_default="", validate=validate.Length(max=1000))
