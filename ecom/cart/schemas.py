import marshmallow as ma
from marshmallow import validate

from ecom.cart.services import MAX_QUANTITY
from ecom.catalog.schemas import ProductSummarySchema
from ecom.common.ids import ID_RANGE
from ecom.common.money import Currency, Money
from ecom.common.schemas import ResponseSchema

QUANTITY = validate.Range(min=1, max=MAX_QUANTITY)


class CartItemSchema(ResponseSchema):
    """A priced line (``ecom.pricing``) of the cart."""

    id = ma.fields.Integer(attribute="source.id")
    product = ma.fields.Nested(ProductSummarySchema, attribute="source.product")
    quantity = ma.fields.Integer()
    subtotal = Money(
        attribute="line_total",
        metadata={"description": "Unit price × quantity, at current prices."},
    )


class CartSchema(ResponseSchema):
    """A ``PricedCart``: the cart and its pricing breakdown."""

    id = ma.fields.Integer(attribute="cart.id")
    user = ma.fields.Integer(attribute="cart.user_id", metadata={"description": "Owner's user id."})
    items = ma.fields.List(ma.fields.Nested(CartItemSchema), attribute="pricing.lines")
    subtotal = Money(attribute="pricing.subtotal", metadata={"description": "Sum of the lines."})
    total = Money(
        attribute="pricing.total",
        metadata={"description": "The subtotal with any discount, shipping and tax applied."},
    )
    currency = Currency()
    total_items = ma.fields.Integer(
        attribute="pricing.quantity", metadata={"description": "Sum of the quantities."}
    )
    created_at = ma.fields.DateTime(attribute="cart.created_at")
    updated_at = ma.fields.DateTime(attribute="cart.updated_at")


class CartAddSchema(ma.Schema):
    product_id = ma.fields.Integer(required=True, strict=True, validate=ID_RANGE)
    quantity = ma.fields.Integer(
        load_default=1,
        strict=True,
        validate=QUANTITY,
        metadata={"description": "Whole number 1..999, added to any quantity already in the cart."},
    )


class CartQuantitySchema(ma.Schema):
    quantity = ma.fields.Integer(
        required=True,
        strict=True,
        validate=QUANTITY,
        metadata={"description": "New quantity, a whole number 1..999."},
    )
