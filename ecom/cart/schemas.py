from typing import Any

import marshmallow as ma
from marshmallow import validate

from ecom.cart.services import MAX_QUANTITY
from ecom.catalog.schemas import ProductSummarySchema
from ecom.catalog.stock import on_sale
from ecom.common.countries import COUNTRY_CODES
from ecom.common.field_messages import N_
from ecom.common.ids import ID_RANGE
from ecom.common.money import Currency, Money
from ecom.common.schemas import NOT_BLANK, QueryInteger, ResponseSchema, Text
from ecom.pricing.schemas import AdjustmentSchema, ShippingChargeSchema, TaxedFields

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


class CartItemSchema(TaxedFields):
    """A priced line (``ecom.pricing``) of the cart."""

    id = ma.fields.Integer(attribute="source.id")
    product = ma.fields.Nested(ProductSummarySchema, attribute="source.product")
    variant = ma.fields.Nested(CartVariantSchema, attribute="source.variant")
    quantity = ma.fields.Integer()
    unit_price_undiscounted = Money(metadata={"description": "The variant's regular price."})
    unit_price = Money(
        metadata={"description": "What a unit costs now: the sale price while a promotion runs."}
    )
    subtotal = Money(
        attribute="line_total",
        metadata={"description": "Unit price × quantity, at current prices, before the voucher."},
    )
    discount = Money(metadata={"description": "The line's share of the voucher's discount."})


class VoucherStateSchema(ResponseSchema):
    code = ma.fields.String()
    applied = ma.fields.Boolean()
    reason = ma.fields.String(
        allow_none=True,
        metadata={"description": "Why it does not apply now (a voucher_* code), else null."},
    )


class CartSchema(ResponseSchema):
    """A ``PricedCart``: the cart and its pricing breakdown (docs/PRICING.md)."""

    id = ma.fields.Integer(attribute="cart.id")
    user = ma.fields.Integer(attribute="cart.user_id", metadata={"description": "Owner's user id."})
    items = ma.fields.List(ma.fields.Nested(CartItemSchema), attribute="pricing.lines")
    subtotal = Money(attribute="pricing.subtotal", metadata={"description": "Sum of the lines."})
    discount = Money(attribute="pricing.discount", metadata={"description": "The voucher's."})
    shipping = ma.fields.Nested(
        ShippingChargeSchema,
        attribute="pricing.shipping",
        allow_none=True,
        metadata={"description": "The method quoted (shipping_method_id), else null."},
    )
    tax = Money(attribute="pricing.tax", metadata={"description": "Of the lines and shipping."})
    total = Money(
        attribute="pricing.total",
        metadata={"description": "The subtotal with the discount, shipping and tax applied."},
    )
    adjustments = ma.fields.List(
        ma.fields.Nested(AdjustmentSchema),
        attribute="pricing.adjustments",
        metadata={"description": "What turns the subtotal into the total, in order."},
    )
    prices_include_tax = ma.fields.Boolean(attribute="pricing.prices_include_tax")
    reverse_charge = ma.fields.Boolean(
        attribute="pricing.reverse_charge",
        metadata={"description": "EU B2B: zero-rated, the buyer accounts for the VAT."},
    )
    voucher = ma.fields.Nested(VoucherStateSchema, allow_none=True)
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
            message = (
                N_("Send variant_id or product_id, not both.")
                if given
                else N_("Send variant_id or product_id.")
            )
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


COUNTRY = validate.OneOf(sorted(COUNTRY_CODES), error=N_("Not an ISO 3166-1 alpha-2 country code."))


class DestinationArgsSchema(ma.Schema):
    """A saved address or a country, not both: checked by the service (409
    ``destination_ambiguous``), as a query's parameters cannot say so in the document."""

    address_id = QueryInteger(
        validate=ID_RANGE, metadata={"description": "One of the caller's saved addresses."}
    )
    country = Text(
        validate=COUNTRY,
        metadata={"description": "ISO 3166-1 alpha-2, upper case: a quote without an address."},
    )
    postal_code = Text(
        load_default="",
        validate=validate.Length(max=20),
        metadata={"description": "With country: narrows the shipping zone."},
    )


class CartQuoteArgsSchema(DestinationArgsSchema):
    shipping_method_id = QueryInteger(
        validate=ID_RANGE,
        metadata={"description": "Quote this method (needs address_id or country)."},
    )


class ShippingOptionSchema(ResponseSchema):
    """A shipping method offered for the cart and its price."""

    method_id = ma.fields.Integer(attribute="method.id")
    name = ma.fields.String(attribute="method.name")
    min_days = ma.fields.Integer(attribute="method.min_days")
    max_days = ma.fields.Integer(attribute="method.max_days")
    price = Money(metadata={"description": "For this cart, before tax when prices are net."})
    currency = Currency()


class VoucherCodeSchema(ma.Schema):
    class Meta:
        example = {"code": "WELCOME10"}

    code = Text(
        required=True,
        validate=[validate.Length(min=1, max=64), NOT_BLANK],
        metadata={"description": "The voucher's code, in any case.", "example": "WELCOME10"},
    )
