from typing import Any

import marshmallow as ma
from marshmallow import validate

from ecom.common.field_messages import N_
from ecom.common.ids import ID_RANGE
from ecom.common.money import POSITIVE_AMOUNT, AmountInput, Currency, Money
from ecom.common.schemas import NOT_BLANK, Boolean, ResponseSchema, Text
from ecom.payments.models import REFUND_STATUSES
from ecom.returns.models import RETURN_REASONS, RETURN_STATUSES

UNITS = validate.Range(min=1, max=999)
NOTE = validate.Length(max=1000)
REASON_TEXT = [validate.Length(min=1, max=500), NOT_BLANK]


def _distinct_items(lines: list[dict]) -> None:
    seen: set[int] = set()
    for index, line in enumerate(lines):
        if line["item"] in seen:
            raise ma.ValidationError({"lines": {index: {"item": [N_("Each line once.")]}}})
        seen.add(line["item"])


class UnitsSchema(ma.Schema):
    item = ma.fields.Integer(
        required=True, strict=True, validate=ID_RANGE, metadata={"description": "Order line id."}
    )
    quantity = ma.fields.Integer(
        required=True, strict=True, validate=UNITS, metadata={"description": "Units, 1..999."}
    )


class ReturnLineInputSchema(UnitsSchema):
    reason = Text(required=True, validate=validate.OneOf(RETURN_REASONS))
    comment = Text(load_default="", validate=NOTE)


class ReturnRequestSchema(ma.Schema):
    class Meta:
        example = {"lines": [{"item": 1, "quantity": 1, "reason": "size_or_fit"}]}

    lines = ma.fields.List(
        ma.fields.Nested(ReturnLineInputSchema),
        required=True,
        validate=validate.Length(min=1, max=100),
        metadata={"description": "Delivered units to send back, each line once."},
    )

    @ma.validates_schema
    def each_line_once(self, data: dict, **kwargs: Any) -> None:
        _distinct_items(data.get("lines", []))


class ReturnNoteSchema(ma.Schema):
    class Meta:
        example = {"note": "Label sent by e-mail."}

    note = Text(load_default="", validate=NOTE)


class ReturnRejectSchema(ma.Schema):
    class Meta:
        example = {"reason": "Worn and washed."}

    reason = Text(
        required=True, validate=REASON_TEXT, metadata={"description": "Told the customer."}
    )


class ReturnReceiveSchema(ma.Schema):
    class Meta:
        example = {"restock": [1], "note": "Box intact."}

    restock = ma.fields.List(
        ma.fields.Integer(strict=True, validate=ID_RANGE),
        load_default=list,
        metadata={"description": "Return line ids whose units go back on sale; the others do not."},
    )
    note = Text(load_default="", validate=NOTE)


class ReturnRefundSchema(ma.Schema):
    class Meta:
        example = {"include_shipping": True}

    include_shipping = Boolean(
        load_default=False,
        metadata={"description": "Also refund the order's shipping (once per order)."},
    )
    note = Text(load_default="", validate=NOTE)


class GoodwillRefundSchema(ma.Schema):
    class Meta:
        example = {"amount": "5.00", "reason": "Late delivery"}
        joint_rules = {
            "description": "Send exactly one of amount and lines.",
            "not": {
                "anyOf": [
                    {"required": ["amount", "lines"]},
                    {"properties": {"amount": {"not": {}}, "lines": {"not": {}}}},
                ]
            },
        }

    amount = AmountInput(pattern=POSITIVE_AMOUNT, description="Above 0, at most 2 decimals")
    lines = ma.fields.List(
        ma.fields.Nested(UnitsSchema),
        validate=validate.Length(min=1, max=100),
        metadata={"description": "Units whose share of the line's gross is refunded."},
    )
    reason = Text(required=True, validate=REASON_TEXT)

    @ma.validates_schema
    def amount_or_lines(self, data: dict, **kwargs: Any) -> None:
        given = [field for field in ("amount", "lines") if field in data]
        if len(given) != 1:
            message = (
                N_("Send amount or lines, not both.") if given else N_("Send amount or lines.")
            )
            raise ma.ValidationError({"amount": [message], "lines": [message]})
        _distinct_items(data.get("lines", []))


class ReturnLineSchema(ResponseSchema):
    id = ma.fields.Integer()
    item = ma.fields.Integer(attribute="order_item_id", metadata={"description": "Order line."})
    sku = ma.fields.String(attribute="item.sku")
    title = ma.fields.String(attribute="item.title")
    quantity = ma.fields.Integer()
    reason = ma.fields.String(metadata={"enum": list(RETURN_REASONS)})
    comment = ma.fields.String()
    restocked = ma.fields.Boolean(metadata={"description": "Back on sale once received."})


class ReturnStatusChangeSchema(ResponseSchema):
    from_status = ma.fields.String(allow_none=True, metadata={"description": "Null at creation."})
    to_status = ma.fields.String()
    changed_by = ma.fields.Integer(attribute="changed_by_id", allow_none=True)
    note = ma.fields.String()
    created_at = ma.fields.DateTime()


class ReturnSchema(ResponseSchema):
    id = ma.fields.Integer()
    order = ma.fields.Integer(attribute="order_id")
    status = ma.fields.String(metadata={"enum": list(RETURN_STATUSES)})
    rejection_reason = ma.fields.String()
    lines = ma.fields.List(ma.fields.Nested(ReturnLineSchema))
    refund = ma.fields.Integer(
        attribute="refund_id", allow_none=True, metadata={"description": "The payment refund."}
    )
    refund_amount = Money(allow_none=True, metadata={"description": "Null until refunded."})
    shipping_refunded = ma.fields.Boolean()
    currency = Currency()
    history = ma.fields.List(ma.fields.Nested(ReturnStatusChangeSchema))
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class RefundEntrySchema(ResponseSchema):
    id = ma.fields.Integer()
    payment = ma.fields.Integer(attribute="payment_id")
    amount = Money()
    reason = ma.fields.String()
    status = ma.fields.String(metadata={"enum": list(REFUND_STATUSES)})
    return_ = ma.fields.Integer(
        data_key="return",
        attribute="return_id",
        allow_none=True,
        metadata={"description": "The return it paid back; null for a refund without one."},
    )
    created_at = ma.fields.DateTime()


class MoneyHistorySchema(ResponseSchema):
    order = ma.fields.Integer(attribute="order_id")
    currency = Currency()
    captured = Money(metadata={"description": "What the order's payments took."})
    refunded = Money(metadata={"description": "What refunds paid back (succeeded)."})
    refunds = ma.fields.List(
        ma.fields.Nested(RefundEntrySchema), metadata={"description": "Oldest first."}
    )
