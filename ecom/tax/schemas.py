"""What the tax API takes in and answers, with its validation messages."""

import marshmallow as ma
from marshmallow import validate

from ecom.common.countries import COUNTRY_CODES
from ecom.common.field_messages import N_
from ecom.common.ids import ID_RANGE
from ecom.common.money import AmountInput
from ecom.common.schemas import NOT_BLANK, Boolean, ResponseSchema, Text
from ecom.tax.services import REGION_PATTERN

# 0 to 100, at most three decimals, e.g. "19", "5.5", "8.875".
PERCENT = r"^(100(\.0{1,3})?|[0-9]{1,2}(\.[0-9]{1,3})?)$"
PERCENT_OUT = r"^[0-9]{1,3}\.[0-9]{3}$"


class Percent(ma.fields.Decimal):
    """A read-only percentage serialised as e.g. ``"19.000"``."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(
            places=3,
            as_string=True,
            dump_only=True,
            metadata={
                "type": "string",
                "format": "decimal",
                "pattern": PERCENT_OUT,
                "example": "19.000",
                "description": "Percent, 3 decimals.",
            },
            **kwargs,
        )


class TaxClassSchema(ResponseSchema):
    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(dump_only=True)
    is_default = ma.fields.Boolean(
        dump_only=True,
        metadata={"description": "The shop's default class: products without one, shipping."},
    )


class TaxClassWriteSchema(ma.Schema):
    class Meta:
        example = {"name": "Reduced"}

    name = Text(required=True, validate=[validate.Length(max=50), NOT_BLANK])
    is_default = Boolean(
        metadata={
            "description": "Make this the default class (the previous default stops being "
            "one); the default cannot be unmarked, only replaced."
        }
    )


class TaxClassPatchSchema(TaxClassWriteSchema):
    """Any subset of the fields (load it with ``partial=True``)."""

    class Meta:
        example = {"name": "Reduced rate"}


class TaxRateSchema(ResponseSchema):
    id = ma.fields.Integer(dump_only=True)
    country = ma.fields.String(dump_only=True)
    region = ma.fields.String(
        dump_only=True, metadata={"description": "Upper case; empty for the whole country."}
    )
    tax_class = ma.fields.Integer(
        attribute="tax_class_id",
        dump_only=True,
        allow_none=True,
        metadata={"description": "Tax class id; null: the rate of the shipping line."},
    )
    shipping = ma.fields.Boolean(
        dump_only=True, metadata={"description": "True for the shipping line's rate."}
    )
    rate = Percent()


class TaxRateWriteSchema(ma.Schema):
    class Meta:
        # The shipping line's rate: an id that names no class is bad input (400), and ids
        # differ from shop to shop.
        example = {"country": "DE", "tax_class": None, "rate": "19"}

    country = Text(
        required=True,
        validate=validate.OneOf(
            sorted(COUNTRY_CODES), error=N_("Not an ISO 3166-1 alpha-2 country code.")
        ),
        metadata={"description": "ISO 3166-1 alpha-2 code, upper case, e.g. `DE`."},
    )
    region = Text(
        validate=validate.Regexp(
            REGION_PATTERN, error=N_("Letters, digits, spaces and . ' -, at most 64 characters.")
        ),
        metadata={
            "description": "A region or state (e.g. `CA`), whose rate beats the country's; "
            "empty or omitted for the whole country. Stored in upper case."
        },
    )
    tax_class_id = ma.fields.Integer(
        data_key="tax_class",
        required=True,
        allow_none=True,
        strict=True,
        validate=ID_RANGE,
        metadata={"description": "Tax class id; null for the rate of the shipping line."},
    )
    rate = AmountInput(
        required=True,
        pattern=PERCENT,
        description="a percentage from 0 to 100, at most 3 decimals",
        metadata={"example": "19"},
    )


class TaxRatePatchSchema(TaxRateWriteSchema):
    """Any subset of the fields (load it with ``partial=True``)."""

    class Meta:
        example = {"rate": "7"}
