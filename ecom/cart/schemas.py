import marshmallow as ma
from marshmallow import validate

from ecom.cart.services import MAX_QUANTITY
from ecom.catalog.schemas import ProductSummarySchema
from ecom.common.ids import ID_RANGE
from ecom.common.money import Money

QUANTITY = validate.Range(min=1, max=MAX_QUANTITY)


class CartItemSchema(ma.Schema):
    id = ma.fields.Integer()
    product = ma.fields.Nested(ProductSummarySchema)
    quantity = ma.fields.Integer()
    subtotal = Money(metadata={"description": "Unit price × quantity, at current prices."})


class CartSchema(ma.Schema):
    id = ma.fields.Integer()
    user = ma.fields.Integer(attribute="user_id", metadata={"description": "Owner's user id."})
    items = ma.fields.List(ma.fields.Nested(CartItemSchema))
    total = Money(metadata={"description": "Sum of the subtotals."})
    total_items = ma.fields.Integer(metadata={"description": "Sum of the quantities."})
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


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
