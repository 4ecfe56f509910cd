"""What comes in to find orders (the filters of the list and its CSV export) and what
staff's internal notes look like."""

import marshmallow as ma
from marshmallow import validate

from ecom.common.ids import ID_RANGE
from ecom.common.money import AmountInput
from ecom.common.ordering import OrderingField
from ecom.common.pagination import PageArgsSchema
from ecom.common.schemas import (
    EMAIL_MAX_LENGTH,
    NOT_BLANK,
    EmailAddress,
    QueryInteger,
    ResponseSchema,
    Text,
    UtcDateTime,
)
from ecom.orders.models import ORDER_STATUSES, PAYMENT_STATUSES
from ecom.orders.search import ORDERING

NOTE_MAX_LENGTH = 5000


class OrderFilterSchema(ma.Schema):
    """The filters, all optional and combined with AND; each walks an index. Staff only:
    `user`, `email`, `email_prefix` (a customer's list is their own orders)."""

    number = QueryInteger(validate=ID_RANGE, metadata={"description": "The order number (id)."})
    status = Text(validate=validate.OneOf(ORDER_STATUSES))
    payment_status = Text(validate=validate.OneOf(PAYMENT_STATUSES))
    user = QueryInteger(
        validate=ID_RANGE, metadata={"description": "Staff only: one customer's orders."}
    )
    email = EmailAddress(
        metadata={"description": "Staff only: the customer's e-mail, exactly (any case)."}
    )
    email_prefix = Text(
        validate=[validate.Length(min=1, max=EMAIL_MAX_LENGTH), NOT_BLANK],
        metadata={
            "description": "Staff only: customers whose e-mail starts with this (any case), "
            "e.g. `ann` or `ann@shop.`."
        },
    )
    created_after = UtcDateTime(metadata={"description": "ISO 8601 (UTC unless given); inclusive."})
    created_before = UtcDateTime(
        metadata={"description": "ISO 8601 (UTC unless given); exclusive."}
    )
    sku = Text(
        validate=[validate.Length(min=1, max=64), NOT_BLANK],
        metadata={"description": "Orders with a line of this SKU (exactly, as sold)."},
    )
    total_min = AmountInput(description="lowest total, inclusive (0 to 99999999.99)")
    total_max = AmountInput(
        description="highest total, inclusive (0 to 99999999.99); below total_min, nothing matches"
    )
    ordering = OrderingField(ORDERING, "Default: `-created_at` (newest first).")


class OrderListArgsSchema(PageArgsSchema, OrderFilterSchema):
    """A page of the filtered orders."""


class OrderNoteCreateSchema(ma.Schema):
    class Meta:
        example = {"body": "Customer called: leave the parcel with the neighbour."}

    body = Text(
        required=True,
        validate=[validate.Length(min=1, max=NOTE_MAX_LENGTH), NOT_BLANK],
        metadata={"description": "The note, for staff only: the customer never sees it."},
    )


class OrderNoteSchema(ResponseSchema):
    id = ma.fields.Integer()
    order = ma.fields.Integer(attribute="order_id", metadata={"description": "Order id."})
    author = ma.fields.Integer(
        attribute="author_id",
        allow_none=True,
        metadata={"description": "Staff user id; null when an integration token wrote it."},
    )
    author_email = ma.fields.String(attribute="author.email", allow_none=True)
    body = ma.fields.String()
    created_at = ma.fields.DateTime()
