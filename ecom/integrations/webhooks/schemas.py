"""What staff send to subscribe, and what the API answers about subscriptions and
deliveries (the secret only in the answer that creates it)."""

import marshmallow as ma
from marshmallow import validate

from ecom.common.field_messages import N_
from ecom.common.pagination import PageArgsSchema
from ecom.common.schemas import NOT_BLANK, Boolean, ResponseSchema, Text
from ecom.integrations.webhooks.models import DELIVERY_STATES, OUTCOMES
from ecom.integrations.webhooks.topics import TOPICS

URL_RULES = [
    validate.URL(schemes={"http", "https"}, require_tld=False, error=N_("Not an http(s) URL.")),
    validate.Length(max=2000, error=N_("At most {max} characters.")),
]
EVENTS = sorted(TOPICS)


class SubscriptionWriteSchema(ma.Schema):
    class Meta:
        example = {"url": "https://erp.example.com/hooks/shop", "events": ["order.paid"]}

    url = Text(
        required=True,
        validate=URL_RULES,
        metadata={
            "format": "uri",
            "description": "Where deliveries are POSTed; its host must resolve to public "
            "addresses only.",
        },
    )
    events = ma.fields.List(
        Text(validate=validate.OneOf(EVENTS, error=N_("Not a webhook event."))),
        required=True,
        validate=validate.Length(min=1, max=len(EVENTS), error=N_("From 1 to {max} events.")),
        metadata={"description": "Topics to receive (docs/WEBHOOKS.md)."},
    )
    description = Text(
        validate=[validate.Length(max=200, error=N_("At most {max} characters.")), NOT_BLANK],
        metadata={"description": "What the receiver is, for staff. Default: none."},
    )
    is_active = Boolean(metadata={"description": "Default: `true`."})


class SubscriptionPatchSchema(SubscriptionWriteSchema):
    """Any subset of a subscription's fields (used with ``partial=True``)."""

    class Meta:
        example = {"is_active": True}


class SubscriptionSchema(ResponseSchema):
    id = ma.fields.Integer()
    url = ma.fields.String()
    description = ma.fields.String()
    events = ma.fields.List(ma.fields.String(metadata={"enum": EVENTS}))
    is_active = ma.fields.Boolean()
    consecutive_failures = ma.fields.Integer(
        metadata={"description": "Failed deliveries in a row (the last one included)."}
    )
    disabled_at = ma.fields.DateTime(
        allow_none=True,
        metadata={"description": "When failures disabled it; null if they did not."},
    )
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class NewSubscriptionSchema(SubscriptionSchema):
    secret = ma.fields.String(
        metadata={
            "description": "The signing secret (`whsec_…`, Standard Webhooks): shown in this "
            "answer only."
        }
    )


class AttemptSchema(ResponseSchema):
    attempted_at = ma.fields.DateTime()
    status_code = ma.fields.Integer(
        allow_none=True, metadata={"description": "Null when no answer came."}
    )
    latency_ms = ma.fields.Integer()
    answer = ma.fields.String(metadata={"description": "The answer's first KB."})
    error = ma.fields.String()
    outcome = ma.fields.String(metadata={"enum": list(OUTCOMES)})


class DeliverySchema(ResponseSchema):
    id = ma.fields.Integer()
    subscription = ma.fields.Integer(attribute="subscription_id")
    message_id = ma.fields.String(metadata={"description": "Sent as `webhook-id`."})
    event = ma.fields.String(attribute="topic")
    state = ma.fields.String(metadata={"enum": list(DELIVERY_STATES)})
    body = ma.fields.Dict(metadata={"description": "The JSON body sent."})
    attempts = ma.fields.List(ma.fields.Nested(AttemptSchema), attribute="attempt_log")
    created_at = ma.fields.DateTime()
    delivered_at = ma.fields.DateTime(allow_none=True)


class DeliveryListArgsSchema(PageArgsSchema):
    state = ma.fields.String(validate=validate.OneOf(DELIVERY_STATES))
