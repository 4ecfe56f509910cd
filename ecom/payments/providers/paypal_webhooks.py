"""PayPal's webhooks: verified by PayPal (``POST /v1/notifications/verify-webhook-signature``,
the check its documentation gives), then read into the shop's events.

The SDK has no call for that API; ``VerifyController`` adds it on the SDK's own request
builder, so it shares the client's OAuth token, timeout and error handling."""

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from apimatic_core.authentication.multiple.single_auth import Single
from apimatic_core.request_builder import RequestBuilder
from apimatic_core.response_handler import ResponseHandler
from apimatic_core.types.parameter import Parameter
from flask_babel import gettext
from paypalserversdk.api_helper import APIHelper
from paypalserversdk.configuration import Server
from paypalserversdk.controllers.base_controller import BaseController
from paypalserversdk.exceptions.api_exception import ApiException
from paypalserversdk.http.http_method_enum import HttpMethodEnum
from paypalserversdk.paypal_serversdk_client import PaypalServersdkClient

from ecom.common.models import utcnow
from ecom.payments.providers.base import Event, InvalidSignature, ProviderError

# The headers PayPal signs a delivery with, and the field of the verification call each fills.
SIGNATURE_HEADERS = {
    "PAYPAL-AUTH-ALGO": "auth_algo",
    "PAYPAL-CERT-URL": "cert_url",
    "PAYPAL-TRANSMISSION-ID": "transmission_id",
    "PAYPAL-TRANSMISSION-SIG": "transmission_sig",
    "PAYPAL-TRANSMISSION-TIME": "transmission_time",
}
# Event type → the payment status it reports (refunds are read apart).
EVENT_KINDS = {
    "CHECKOUT.ORDER.APPROVED": "authorized",
    "PAYMENT.CAPTURE.COMPLETED": "captured",
    "PAYMENT.CAPTURE.DENIED": "failed",
    "PAYMENT.CAPTURE.DECLINED": "failed",
}
REFUNDED = "PAYMENT.CAPTURE.REFUNDED"


class VerifyController(BaseController):
    def verify_webhook_signature(self, body: dict[str, Any]) -> Any:
        return (
            super()
            .new_api_call_builder.request(
                RequestBuilder()
                .server(Server.DEFAULT)
                .path("/v1/notifications/verify-webhook-signature")
                .http_method(HttpMethodEnum.POST)
                .header_param(Parameter().key("Content-Type").value("application/json"))
                .header_param(Parameter().key("accept").value("application/json"))
                .body_param(Parameter().value(body))
                .body_serializer(APIHelper.json_serialize)
                .auth(Single("Oauth2"))
            )
            .response(
                ResponseHandler().deserializer(APIHelper.json_deserialize).is_api_response(True)
            )
            .execute()
        )


class WebhookVerifier:
    def __init__(self, client: PaypalServersdkClient, webhook_id: str, tolerance: int) -> None:
        self.controller = VerifyController(client.global_configuration)
        self.webhook_id = webhook_id
        self.tolerance = timedelta(seconds=tolerance)

    def verify(self, body: bytes, headers: Mapping[str, str]) -> dict[str, Any]:
        """The verified event, or ``InvalidSignature`` (a missing header, a body that is not
        JSON, a stale transmission or PayPal's ``FAILURE``)."""
        fields = _signature_fields(headers)
        try:
            event = json.loads(body)
            sent_at = datetime.fromisoformat(fields["transmission_time"].replace("Z", "+00:00"))
        except ValueError as exc:
            raise InvalidSignature() from exc
        if sent_at.tzinfo is None or sent_at < utcnow() - self.tolerance:
            raise InvalidSignature(gettext("The webhook's signature is too old."))
        answer = self._ask_paypal({**fields, "webhook_id": self.webhook_id, "webhook_event": event})
        if answer.get("verification_status") != "SUCCESS":
            raise InvalidSignature()
        return event

    def _ask_paypal(self, body: dict[str, Any]) -> dict[str, Any]:
        try:
            return json.loads(self.controller.verify_webhook_signature(body).text)
        except ApiException as exc:
            raise ProviderError(
                gettext("PayPal: %(reason)s (%(code)s)", reason=exc.reason, code=exc.response_code)
            ) from exc
        except OSError as exc:
            raise ProviderError(gettext("PayPal did not answer: %(error)s", error=exc)) from exc


def _signature_fields(headers: Mapping[str, str]) -> dict[str, str]:
    received = {name.upper(): value for name, value in headers.items()}
    if not all(received.get(header) for header in SIGNATURE_HEADERS):
        raise InvalidSignature()
    return {field: received[header] for header, field in SIGNATURE_HEADERS.items()}


def read_event(event: dict[str, Any]) -> list[Event]:
    """The shop's events in a verified PayPal event (Python's errors on another shape)."""
    kind, found = event["event_type"], event["resource"]
    if kind == "CHECKOUT.ORDER.APPROVED":
        amount = found["purchase_units"][0]["amount"]
        return [_event(event, EVENT_KINDS[kind], found["id"], amount)]
    if kind in EVENT_KINDS:
        order_id = found["supplementary_data"]["related_ids"]["order_id"]
        return [_event(event, EVENT_KINDS[kind], order_id, found["amount"])]
    if kind == REFUNDED:
        # The refund names its order by the custom_id the shop gave it (``refund``).
        total = found["seller_payable_breakdown"]["total_refunded_amount"]
        return [_event(event, "refund", found["custom_id"], total, (found["id"],))]
    return []


def _event(
    event: dict[str, Any],
    kind: str,
    reference: str,
    amount: dict[str, str],
    refunds: tuple[str, ...] = (),
) -> Event:
    money = Decimal(amount["value"]), amount["currency_code"]
    return Event(event["id"], kind, reference, event, *money, refund_references=refunds)
