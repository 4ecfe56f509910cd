import marshmallow as ma
from marshmallow import validate

from ecom.common.money import POSITIVE_AMOUNT, AmountInput, Money
from ecom.common.schemas import NOT_BLANK, ResponseSchema, Text
from ecom.payments.models import FLAGS, PAYMENT_STATUSES, REFUND_STATUSES


class PaySchema(ma.Schema):
    class Meta:
        example = {"provider": "dummy", "token": "tok_success"}

    provider = Text(
        validate=validate.Length(min=1, max=32),
        metadata={"description": "One of PAYMENT_PROVIDERS (default: the first)."},
    )
    token = Text(
        validate=validate.Length(min=1, max=100),
        metadata={
            "description": "dummy only: a test token or card number choosing the outcome "
            "(docs/PAYMENTS.md)."
        },
    )


class PayHeaderSchema(ma.Schema):
    idempotency_key = Text(
        data_key="Idempotency-Key",
        validate=validate.Length(min=1, max=255),
        metadata={"description": "Replaying a key answers the payment it first created (200)."},
    )


class RefundRequestSchema(ma.Schema):
    class Meta:
        example = {"amount": "6.99", "reason": "Scratched box"}

    amount = AmountInput(
        pattern=POSITIVE_AMOUNT,
        description="Above 0, at most 2 decimal places; default: all that is left to refund",
    )
    reason = Text(required=True, validate=[validate.Length(min=1, max=500), NOT_BLANK])


class RefundSchema(ResponseSchema):
    id = ma.fields.Integer()
    amount = Money()
    reason = ma.fields.String()
    status = ma.fields.String(metadata={"enum": list(REFUND_STATUSES)})
    reference = ma.fields.String(allow_none=True, metadata={"description": "The provider's id."})
    created_at = ma.fields.DateTime()


class PaymentSchema(ResponseSchema):
    id = ma.fields.Integer()
    order = ma.fields.Integer(attribute="order_id")
    provider = ma.fields.String()
    amount = Money()
    currency = ma.fields.String(metadata={"example": "USD"})
    status = ma.fields.String(metadata={"enum": list(PAYMENT_STATUSES)})
    reference = ma.fields.String(allow_none=True, metadata={"description": "The provider's id."})
    client_data = ma.fields.Dict(
        metadata={"description": "What the client needs to finish: `client_secret`..."}
    )
    captured_amount = Money(
        allow_none=True,
        metadata={"description": "What the provider captured: refunds add up to at most this."},
    )
    refunded_amount = Money()
    flag = ma.fields.String(
        allow_none=True,
        metadata={"enum": list(FLAGS), "description": "Captured, but did not pay the order."},
    )
    refunds = ma.fields.List(ma.fields.Nested(RefundSchema))
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class WebhookAnswerSchema(ResponseSchema):
    received = ma.fields.Integer(metadata={"description": "New events (0: already processed)."})
