from typing import Any

import marshmallow as ma
from marshmallow import validate

from ecom.common.countries import COUNTRY_CODES
from ecom.common.field_messages import N_
from ecom.common.ids import COUNT_RANGE, ID_RANGE
from ecom.common.money import AmountInput, Money
from ecom.common.pagination import PageArgsSchema
from ecom.common.schemas import NOT_BLANK, Boolean, QueryInteger, ResponseSchema, Text
from ecom.shipping.methods import MAX_DAYS
from ecom.shipping.models import RATES
from ecom.shipping.zones import POSTAL_PREFIX

NAME = [validate.Length(max=100, error=N_("At most {max} characters.")), NOT_BLANK]
DAYS = validate.Range(min=0, max=MAX_DAYS, error=N_("From 0 to {max} days."))
# Marked at import, as every templated message: ``translate`` knows the templates by then.
BANDS_NEEDED = N_("A {rate} rate needs bands.")
TOGETHER = N_("Send {first} and {second} together.")
BAND_RATES = [rate for rate in RATES if rate != "flat"]
# A rate comes with what it is priced by: a flat one with `price`, a band one with `bands`.
RATE_RULE = {
    "anyOf": [
        {"properties": {"rate": {"enum": ["flat"]}}, "required": ["price"]},
        {"properties": {"rate": {"enum": BAND_RATES}}, "required": ["bands"]},
    ]
}
NOT_PRICE_AND_BANDS = {"not": {"required": ["price", "bands"]}}


def _together(first: str, second: str) -> dict:
    """JSON Schema for "both fields or neither"."""
    return {
        "anyOf": [
            {"required": [first, second]},
            {"not": {"anyOf": [{"required": [first]}, {"required": [second]}]}},
        ]
    }


# --- zones


class ShippingZoneWriteSchema(ma.Schema):
    class Meta:
        example = {"name": "Germany", "countries": ["DE"]}

    name = Text(required=True, validate=NAME)
    rest_of_world = Boolean(
        metadata={
            "description": "The zone for destinations no other zone claims (one zone at most). "
            "Default: `false`."
        }
    )
    countries = ma.fields.List(
        Text(
            validate=validate.OneOf(
                sorted(COUNTRY_CODES), error=N_("Not an ISO 3166-1 alpha-2 country code.")
            )
        ),
        validate=validate.Length(max=len(COUNTRY_CODES)),
        metadata={"description": "ISO 3166-1 alpha-2 codes, upper case. Default: none."},
    )
    postal_prefixes = ma.fields.List(
        Text(
            validate=validate.Regexp(
                POSTAL_PREFIX, error=N_("1 to 10 letters, digits, spaces or hyphens.")
            )
        ),
        validate=validate.Length(max=100),
        metadata={
            "description": "Narrows every country of the zone to postal codes starting with "
            "one of these (compared upper case, without spaces). Default: none (whole countries)."
        },
    )


class ShippingZonePatchSchema(ShippingZoneWriteSchema):
    """Any subset of a zone's fields (used with ``partial=True``)."""

    class Meta:
        example = {"name": "Germany and Austria", "countries": ["DE", "AT"]}


class ShippingZoneSchema(ResponseSchema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    rest_of_world = ma.fields.Boolean()
    countries = ma.fields.List(ma.fields.String())
    postal_prefixes = ma.fields.List(ma.fields.String())
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


# --- methods


class ShippingBandInputSchema(ma.Schema):
    lower = AmountInput(required=True, description="Inclusive lower bound: grams or an amount")
    upper = AmountInput(
        allow_none=True,
        description="Exclusive upper bound, above lower: grams or an amount; null or absent "
        "for no end",
    )
    price = AmountInput(required=True, description="0 to 99999999.99")


class ShippingMethodWriteSchema(ma.Schema):
    class Meta:
        joint_rules = {
            "description": "A `flat` rate takes `price`; a `weight` or `subtotal` rate takes "
            "`bands` (never overlapping); never both.",
            "allOf": [RATE_RULE, NOT_PRICE_AND_BANDS],
        }
        example = {
            "zone": 1,
            "name": "Standard",
            "min_days": 2,
            "max_days": 4,
            "rate": "flat",
            "price": "4.90",
            "free_over": "50.00",
        }

    zone = ma.fields.Integer(
        required=True,
        strict=True,
        validate=ID_RANGE,
        attribute="zone_id",
        metadata={"description": "Zone id."},
    )
    name = Text(required=True, validate=NAME)
    min_days = ma.fields.Integer(required=True, strict=True, validate=DAYS)
    max_days = ma.fields.Integer(
        required=True, strict=True, validate=DAYS, metadata={"description": "At least min_days."}
    )
    is_active = Boolean(metadata={"description": "Offered to buyers. Default: `true`."})
    rate = Text(required=True, validate=validate.OneOf(RATES))
    price = AmountInput(description="The flat rate's price, 0 to 99999999.99")
    bands = ma.fields.List(
        ma.fields.Nested(ShippingBandInputSchema),
        validate=validate.Length(min=1, max=50),
        metadata={"description": "A band rate's bands, by weight in grams or by subtotal."},
    )
    free_over = AmountInput(
        allow_none=True,
        description="Free shipping from this subtotal (inclusive); null for never",
    )
    min_weight_grams = ma.fields.Integer(
        strict=True, allow_none=True, validate=COUNT_RANGE, metadata={"description": "Inclusive."}
    )
    max_weight_grams = ma.fields.Integer(
        strict=True,
        allow_none=True,
        validate=COUNT_RANGE,
        metadata={"description": "Inclusive; at least min_weight_grams."},
    )

    @ma.validates_schema
    def rate_priced_once(self, data: dict, **kwargs: Any) -> None:
        rate = data.get("rate")
        if "price" in data and "bands" in data:
            raise ma.ValidationError({"bands": [N_("Send a price or bands, not both.")]})
        if rate == "flat" and "price" not in data:
            raise ma.ValidationError({"price": [N_("A flat rate needs a price.")]})
        if rate in BAND_RATES and "bands" not in data:
            raise ma.ValidationError({"bands": [BANDS_NEEDED.format(rate=rate)]})


class ShippingMethodPatchSchema(ShippingMethodWriteSchema):
    """Any subset of a method's fields (used with ``partial=True``); the delivery estimate
    and the weight limits are sent whole."""

    class Meta:
        joint_rules = {
            "description": "`rate` comes with its `price` (flat) or `bands`; never both; "
            "`min_days` with `max_days`, `min_weight_grams` with `max_weight_grams`.",
            "allOf": [
                {"anyOf": [{"not": {"required": ["rate"]}}, RATE_RULE]},
                NOT_PRICE_AND_BANDS,
                _together("min_days", "max_days"),
                _together("min_weight_grams", "max_weight_grams"),
            ],
        }
        example = {"name": "Standard, tracked", "min_days": 1, "max_days": 3}

    @ma.validates_schema
    def sent_whole(self, data: dict, **kwargs: Any) -> None:
        for first, second in (("min_days", "max_days"), ("min_weight_grams", "max_weight_grams")):
            if (first in data) != (second in data):
                missing = second if first in data else first
                message = TOGETHER.format(first=first, second=second)
                raise ma.ValidationError({missing: [message]})


class ShippingBandSchema(ResponseSchema):
    lower = Money(metadata={"description": "Inclusive: grams or an amount."})
    upper = Money(allow_none=True, metadata={"description": "Exclusive; null for no end."})
    price = Money()


class ShippingMethodSchema(ResponseSchema):
    id = ma.fields.Integer()
    zone = ma.fields.Integer(attribute="zone_id", metadata={"description": "Zone id."})
    name = ma.fields.String()
    min_days = ma.fields.Integer()
    max_days = ma.fields.Integer()
    is_active = ma.fields.Boolean()
    rate = ma.fields.String(metadata={"enum": list(RATES)})
    price = Money(allow_none=True, metadata={"description": "A flat rate's price."})
    bands = ma.fields.List(ma.fields.Nested(ShippingBandSchema))
    free_over = Money(allow_none=True)
    min_weight_grams = ma.fields.Integer(allow_none=True)
    max_weight_grams = ma.fields.Integer(allow_none=True)
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class ShippingMethodListArgsSchema(PageArgsSchema):
    zone = QueryInteger(validate=ID_RANGE, metadata={"description": "Methods of one zone."})
