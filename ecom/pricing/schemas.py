"""How a breakdown shows in the API: the cart's answer and the order's read the same names."""

import marshmallow as ma

from ecom.common.money import Money
from ecom.common.schemas import ResponseSchema

RATE_OUT = r"^[0-9]{1,3}\.[0-9]{3}$"


class Rate(ma.fields.Decimal):
    """A tax rate in percent, serialised as e.g. ``"19.000"``."""

    def __init__(self, **kwargs: object) -> None:
        kwargs["metadata"] = {
            "type": "string",
            "format": "decimal",
            "pattern": RATE_OUT,
            "example": "19.000",
            **kwargs.get("metadata", {}),
        }
        super().__init__(places=3, as_string=True, dump_only=True, **kwargs)


class TaxedFields(ResponseSchema):
    """A line's amount after the voucher, split into net, tax and gross."""

    net = Money(metadata={"description": "Without tax."})
    tax_rate = Rate(metadata={"description": "Percent."})
    tax = Money()
    gross = Money(metadata={"description": "With tax: what the customer pays for it."})


class AdjustmentSchema(ResponseSchema):
    kind = ma.fields.String(metadata={"enum": ["discount", "shipping", "tax"]})
    label = ma.fields.String()
    amount = Money(metadata={"description": "Negative for a discount."})


class ShippingChargeSchema(TaxedFields):
    method_id = ma.fields.Integer(allow_none=True, metadata={"description": "The method chosen."})
    name = ma.fields.String(metadata={"description": "The method's name when priced."})
