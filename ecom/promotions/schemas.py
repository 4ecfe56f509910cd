"""What the promotions and vouchers API takes in and answers."""

import marshmallow as ma
from marshmallow import validate

from ecom.common.field_messages import N_
from ecom.common.ids import COUNT_RANGE, ID_RANGE
from ecom.common.money import POSITIVE_AMOUNT, AmountInput, Money
from ecom.common.pagination import PageArgsSchema
from ecom.common.schemas import NOT_BLANK, Boolean, QueryBoolean, ResponseSchema, Text, UtcDateTime
from ecom.promotions.models import KINDS, SCOPES, VOUCHER_KINDS

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,49}$"


def _ids(description: str) -> ma.fields.List:
    return ma.fields.List(
        ma.fields.Integer(strict=True, validate=ID_RANGE),
        load_default=[],
        validate=validate.Length(max=1000, error=N_("At most {max} ids.")),
        metadata={"description": description},
    )


def _id_list(relation: str, description: str) -> ma.fields.Function:
    return ma.fields.Function(
        lambda row: [target.id for target in getattr(row, relation)],
        metadata={"type": "array", "items": {"type": "integer"}, "description": description},
    )


class PeriodSchema(ma.Schema):
    starts_at = UtcDateTime(
        required=True, metadata={"description": "ISO 8601 (UTC unless given); inclusive."}
    )
    ends_at = UtcDateTime(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "Exclusive, after `starts_at` (else 409 `invalid_period`); null: no end."
        },
    )
    is_active = Boolean(load_default=True)


# --- promotions -------------------------------------------------------------------------


class PromotionSchema(ResponseSchema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    kind = ma.fields.String(metadata={"enum": list(KINDS)})
    value = Money(metadata={"description": "Percent off, or the amount off each unit."})
    starts_at = ma.fields.DateTime()
    ends_at = ma.fields.DateTime(allow_none=True)
    is_active = ma.fields.Boolean()
    product_ids = _id_list("products", "Products it lowers (all their variants).")
    variant_ids = _id_list("variants", "Variants it lowers.")
    category_ids = _id_list("categories", "Categories whose products it lowers, with those below.")
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class PromotionWriteSchema(PeriodSchema):
    class Meta:
        example = {
            "name": "Summer sale",
            "kind": "percentage",
            "value": "20",
            "starts_at": "2026-06-01T00:00:00Z",
            "ends_at": "2026-09-01T00:00:00Z",
            "category_ids": [1],
        }

    name = Text(required=True, validate=[validate.Length(max=100), NOT_BLANK])
    kind = Text(required=True, validate=validate.OneOf(KINDS))
    value = AmountInput(
        required=True,
        pattern=POSITIVE_AMOUNT,
        description="percentage: at most 100 (else 409 `invalid_value`); fixed: the amount "
        "off each unit",
    )
    product_ids = _ids("Products it lowers (all their variants).")
    variant_ids = _ids("Variants it lowers.")
    category_ids = _ids("Categories whose products it lowers, with every category below.")


class PromotionPatchSchema(PromotionWriteSchema):
    """Any subset of the fields (load it with ``partial=True``)."""

    class Meta:
        example = {"value": "25", "ends_at": "2026-09-15T00:00:00Z"}


class ActiveListArgsSchema(PageArgsSchema):
    is_active = QueryBoolean()


# --- vouchers ---------------------------------------------------------------------------


class VoucherSchema(ResponseSchema):
    id = ma.fields.Integer()
    code = ma.fields.String(metadata={"description": "Upper-cased; matched in any case."})
    kind = ma.fields.String(metadata={"enum": list(VOUCHER_KINDS)})
    value = Money(metadata={"description": "Percent off, or the amount off; 0 for free shipping."})
    scope = ma.fields.String(metadata={"enum": list(SCOPES)})
    product_ids = _id_list("products", "With scope `selection`: products it covers.")
    category_ids = _id_list("categories", "With scope `selection`: categories it covers.")
    min_subtotal = Money(allow_none=True)
    min_quantity = ma.fields.Integer(allow_none=True)
    starts_at = ma.fields.DateTime()
    ends_at = ma.fields.DateTime(allow_none=True)
    usage_limit = ma.fields.Integer(allow_none=True)
    usage_limit_per_customer = ma.fields.Integer(allow_none=True)
    first_order_only = ma.fields.Boolean()
    is_active = ma.fields.Boolean()
    used_count = ma.fields.Integer(metadata={"description": "Orders that used it."})
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


def _limit(description: str) -> ma.fields.Integer:
    return ma.fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        validate=validate.Range(min=1, max=COUNT_RANGE.max),
        metadata={"description": description},
    )


class VoucherWriteSchema(PeriodSchema):
    class Meta:
        example = {
            "code": "WELCOME10",
            "kind": "percentage",
            "value": "10",
            "starts_at": "2026-01-01T00:00:00Z",
            "min_subtotal": "30.00",
            "usage_limit_per_customer": 1,
            "first_order_only": True,
        }

    code = Text(
        required=True,
        validate=validate.Regexp(CODE_PATTERN, error=N_("1 to 50 letters, digits, - or _.")),
        metadata={"description": "Unique in any case; stored upper-cased.", "example": "WELCOME10"},
    )
    kind = Text(required=True, validate=validate.OneOf(VOUCHER_KINDS))
    value = AmountInput(
        load_default=None,
        pattern=POSITIVE_AMOUNT,
        description="percentage: at most 100; fixed: the amount off; free_shipping: omitted",
    )
    scope = Text(
        load_default="order",
        validate=validate.OneOf(SCOPES),
        metadata={"description": "`order`: every line; `selection`: the chosen ones."},
    )
    product_ids = _ids("With scope `selection`: products it covers.")
    category_ids = _ids("With scope `selection`: categories it covers, with those below.")
    min_subtotal = AmountInput(
        load_default=None,
        allow_none=True,
        description="the lines it covers must come to this much (after sale prices)",
    )
    min_quantity = _limit("The lines it covers must hold this many units.")
    usage_limit = _limit("Orders that may use it in all.")
    usage_limit_per_customer = _limit("Orders each customer may use it on.")
    first_order_only = Boolean(load_default=False)


class VoucherPatchSchema(VoucherWriteSchema):
    """Any subset of the fields (load it with ``partial=True``)."""

    class Meta:
        example = {"usage_limit": 500, "is_active": False}


class RedemptionSchema(ResponseSchema):
    id = ma.fields.Integer()
    order = ma.fields.Integer(attribute="order_id", metadata={"description": "Order id."})
    user = ma.fields.Integer(
        attribute="user_id", allow_none=True, metadata={"description": "Customer's user id."}
    )
    created_at = ma.fields.DateTime()
