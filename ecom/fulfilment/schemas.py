import marshmallow as ma
from marshmallow import validate

from ecom.common.field_messages import N_
from ecom.common.ids import ID_RANGE, MAX_ID
from ecom.common.schemas import NOT_BLANK, ResponseSchema, Text
from ecom.fulfilment.carriers import END, TEMPLATE_PATTERN, TEMPLATE_RULE
from ecom.fulfilment.models import TRACKING_PLACEHOLDER

NAME = [validate.Length(max=100, error=N_("At most {max} characters.")), NOT_BLANK]
TEMPLATE = [
    validate.Length(max=500, error=N_("At most {max} characters.")),
    # (The message is a format string: its braces doubled.)
    validate.Regexp(TEMPLATE_PATTERN, error=TEMPLATE_RULE.replace("{", "{{").replace("}", "}}")),
]
TRACKING_NUMBER = [
    validate.Length(max=100, error=N_("At most {max} characters.")),
    validate.Regexp(
        rf"^[A-Za-z0-9]([A-Za-z0-9 -]*[A-Za-z0-9])?{END}",
        error=N_("Letters and digits, with spaces or hyphens between them."),
    ),
]


# --- carriers


class CarrierWriteSchema(ma.Schema):
    class Meta:
        example = {
            "name": "UPS",
            "tracking_url_template": "https://www.ups.com/track?tracknum={tracking_number}",
        }

    name = Text(required=True, validate=NAME)
    tracking_url_template = Text(
        required=True,
        validate=TEMPLATE,
        metadata={
            "description": f"Where a parcel is followed; {TRACKING_PLACEHOLDER} is replaced."
        },
    )


class CarrierPatchSchema(CarrierWriteSchema):
    """Any subset of a carrier's fields (used with ``partial=True``)."""

    class Meta:
        example = {"name": "UPS Standard"}


class CarrierSchema(ResponseSchema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    tracking_url_template = ma.fields.String()
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


# --- fulfilments


class FulfilmentLineInputSchema(ma.Schema):
    line = ma.fields.Integer(
        required=True,
        strict=True,
        validate=ID_RANGE,
        metadata={"description": "An order line's id (`items[].id` of the order)."},
    )
    quantity = ma.fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=1, max=MAX_ID, error=N_("From 1 to {max}.")),
        metadata={"description": "Units of the line in this parcel."},
    )


class FulfilmentCreateSchema(ma.Schema):
    class Meta:
        example = {
            "carrier": 1,
            "tracking_number": "1Z999AA10123456784",
            "lines": [{"line": 1, "quantity": 1}],
        }

    carrier = ma.fields.Integer(
        required=True, strict=True, validate=ID_RANGE, metadata={"description": "A carrier's id."}
    )
    tracking_number = Text(required=True, validate=TRACKING_NUMBER)
    lines = ma.fields.List(
        ma.fields.Nested(FulfilmentLineInputSchema),
        required=True,
        validate=validate.Length(min=1, max=100, error=N_("From 1 to {max} lines.")),
        metadata={"description": "A line named twice ships the sum of its quantities."},
    )


class CarrierNameSchema(ResponseSchema):
    id = ma.fields.Integer()
    name = ma.fields.String()


class FulfilmentLineSchema(ResponseSchema):
    line = ma.fields.Integer(attribute="order_item_id", metadata={"description": "Order line."})
    sku = ma.fields.String(attribute="order_item.sku")
    title = ma.fields.String(attribute="order_item.title")
    variant_label = ma.fields.String(attribute="order_item.variant_label")
    quantity = ma.fields.Integer()


class FulfilmentSchema(ResponseSchema):
    id = ma.fields.Integer()
    order = ma.fields.Integer(attribute="order_id")
    carrier = ma.fields.Nested(CarrierNameSchema)
    tracking_number = ma.fields.String()
    tracking_url = ma.fields.String(metadata={"description": "Where the customer follows it."})
    lines = ma.fields.List(ma.fields.Nested(FulfilmentLineSchema))
    created_at = ma.fields.DateTime()
    delivered_at = ma.fields.DateTime(
        allow_none=True, metadata={"description": "Null while on its way."}
    )
