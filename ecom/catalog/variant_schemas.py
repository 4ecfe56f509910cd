"""What the catalog API takes in and answers about a product's options and variants."""

import marshmallow as ma
from marshmallow import validate

from ecom.catalog.image_schemas import ImageSet
from ecom.catalog.schemas import ProductSchema, sku_field
from ecom.common.field_messages import N_
from ecom.common.fieldsets import FieldSet
from ecom.common.ids import COUNT_RANGE
from ecom.common.money import POSITIVE_AMOUNT, AmountInput, Money
from ecom.common.schemas import NOT_BLANK, Boolean, ResponseSchema, Text
from ecom.common.storage import image_url

OPTION_TEXT = [validate.Length(min=1, max=50, error=N_("1 to {max} characters.")), NOT_BLANK]


# --- answers ----------------------------------------------------------------------------


class OptionValueSchema(ResponseSchema):
    id = ma.fields.Integer(dump_only=True)
    value = ma.fields.String(dump_only=True)


class OptionSchema(ResponseSchema):
    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(dump_only=True)
    values = ma.fields.List(ma.fields.Nested(OptionValueSchema), dump_only=True)


class VariantSchema(ResponseSchema):
    id = ma.fields.Integer(dump_only=True)
    sku = ma.fields.String(dump_only=True)
    price = Money(metadata={"description": "The regular price (what staff set)."})
    sale_price = Money(
        allow_none=True,
        metadata={
            "description": "What a customer pays while a catalogue promotion lowers the "
            "price; null otherwise. Computed, never written."
        },
    )
    stock_quantity = ma.fields.Integer(dump_only=True)
    in_stock = ma.fields.Function(
        lambda variant: variant.is_active and variant.stock_quantity > 0,
        dump_only=True,
        metadata={"type": "boolean"},
    )
    is_active = ma.fields.Boolean(dump_only=True)
    weight_grams = ma.fields.Integer(dump_only=True, allow_none=True)
    image = ma.fields.Function(
        lambda variant: image_url(variant.image),
        dump_only=True,
        allow_none=True,
        metadata={"type": "string", "format": "uri"},
    )
    images = ImageSet(attribute="image")
    options = ma.fields.Dict(
        attribute="named_values",
        keys=ma.fields.String(),
        values=ma.fields.String(),
        dump_only=True,
        metadata={
            "type": "object",
            "additionalProperties": {"type": "string"},
            "example": {"Size": "M", "Colour": "Red"},
            "description": "Option name → value; empty for a product's default variant.",
        },
    )
    label = ma.fields.String(
        dump_only=True,
        metadata={"description": 'Its values in option order, e.g. "M / Red"; "" if none.'},
    )


class ProductDetailSchema(ProductSchema):
    """A product with its options and the variants its caller may see (customers: the
    active ones)."""

    options = ma.fields.List(ma.fields.Nested(OptionSchema), dump_only=True)
    variants = ma.fields.List(ma.fields.Nested(VariantSchema), dump_only=True)


# --- requests ---------------------------------------------------------------------------


class ProductDetailArgsSchema(ma.Schema):
    fieldset = FieldSet(ProductDetailSchema, data_key="fields")


class VariantWriteSchema(ma.Schema):
    class Meta:
        example = {
            "sku": "TEE-M",
            "price": "21.00",
            "stock_quantity": 4,
            "is_active": True,
            "weight_grams": 180,
            "options": {"Size": "M"},
        }

    sku = sku_field("Unique across the catalog.", required=True)
    price = AmountInput(
        required=True,
        pattern=POSITIVE_AMOUNT,
        description="above 0, at most 99999999.99 and 2 decimals, no leading zero",
    )
    stock_quantity = ma.fields.Integer(load_default=0, strict=True, validate=COUNT_RANGE)
    is_active = Boolean(load_default=True)
    weight_grams = ma.fields.Integer(
        load_default=None, allow_none=True, strict=True, validate=COUNT_RANGE
    )
    options = ma.fields.Dict(
        keys=Text(),
        values=Text(validate=OPTION_TEXT),
        metadata={
            "description": "One value for each of the product's options, by option name "
            "(any case); a value the option lacks is added to it. Omit or `{}` when the "
            "product has no options; on PUT, omitted keeps the variant's values. Names "
            "that are not the product's options (or miss one) are a 409 `options_mismatch`; "
            "like every text, names hold no NUL character.",
            "example": {"Size": "M", "Colour": "Red"},
        },
    )


class VariantPatchSchema(VariantWriteSchema):
    """Any subset of the fields (load it with ``partial=True``)."""


class OptionWriteSchema(ma.Schema):
    class Meta:
        example = {"name": "Size", "values": ["S", "M", "L"]}

    name = Text(required=True, validate=OPTION_TEXT)
    values = ma.fields.List(
        Text(validate=OPTION_TEXT),
        required=True,
        validate=validate.Length(min=1, error=N_("At least one value.")),
        metadata={
            "uniqueItems": True,
            "description": "Its values in display order, each once (any case). Creating: "
            "every existing variant takes the first. Changing: the list replaces the values "
            "(kept ones by name); removing a value a variant uses is a 409 `option_in_use`.",
        },
    )


class OptionPatchSchema(OptionWriteSchema):
    """Any subset of the fields (load it with ``partial=True``)."""
