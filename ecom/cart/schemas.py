from typing import Any

import marshmallow as ma
from marshmallow import validate

from ecom.cart.services import MAX_QUANTITY
from ecom.catalog.schemas import ProductSummarySchema
from ecom.catalog.stock import on_sale
from ecom.common.ids import ID_RANGE
from ecom.common.money import Currency, Money
from ecom.common.schemas import ResponseSchema

QUANTITY = validate.Range(min=1, max=MAX_QUANTITY)
ONE_OF = ("variant_id", "product_id")


class CartVariantSchema(ResponseSchema):
    """The variant a cart line holds."""

    id = ma.fields.Integer()
    sku = ma.fields.String()
    label = ma.fields.String(
        metadata={
            "description": 'Its option values, e.g. "M / Red"; "" for a product without options.'
        }
    )
    options = ma.fields.Dict(
        attribute="named_values",
        keys=ma.fields.String(),
        values=ma.fields.String(),
        metadata={
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "Option name → value; empty for a product without options.",
        },
    )
    price = Money()
    in_stock = ma.fields.Function(
        lambda variant: on_sale(variant) > 0, metadata={"type": "boolean"}
    )


class CartItemSchema(ResponseSchema):
    """A priced line (``ecom.pricing``) of the cart."""

    id = ma.fields.Integer(attribute="source.id")
    product = ma.fields.Nested(ProductSummarySchema, attribute="source.product")
    variant = ma.fields.Nested(CartVariantSchema, attribute="source.variant")
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
    class Meta:
        example = {"variant_id": 1, "quantity": 2}
        # Neither both nor none of them (``names_one_variant``).
        joint_rules = {
            "description": "Name exactly one of variant_id and product_id.",
            "not": {
                "anyOf": [
                    {"required": list(ONE_OF)},
                    {"properties": {field: {"not": {}} for field in ONE_OF}},
                ]
            },
        }

    variant_id = ma.fields.Integer(
        strict=True, validate=ID_RANGE, metadata={"description": "The variant to add."}
    )
    product_id = ma.fields.Integer(
        strict=True,
        validate=ID_RANGE,
        metadata={
            "description": "A product with a single variant, instead of variant_id; "
            "a product with several answers 400 variant_required."
        },
    )
    quantity = ma.fields.Integer(
        load_default=1,
        strict=True,
        validate=QUANTITY,
        metadata={"description": "Whole number 1..999, added to any quantity already in the cart."},
    )

    @ma.validates_schema
    def names_one_variant(self, data: dict, **kwargs: Any) -> None:
        given = [field for field in ONE_OF if field in data]
        if len(given) != 1:
            message = "Send variant_id or product_id" + (", not both." if given else ".")
            raise ma.ValidationError({field: [message] for field in ONE_OF})


class CartQuantitySchema(ma.Schema):
    class Meta:
        example = {"quantity": 3}

    quantity = ma.fields.Integer(
        required=True,
        strict=True,
        validate=QUANTITY,
        metadata={"description": "New quantity, a whole number 1..999."},
    )


class CartQuantityPatchSchema(CartQuantitySchema):
    """The line's quantity, or nothing to leave it as it is (used with ``partial=True``)."""
