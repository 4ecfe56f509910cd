"""``paypal``: Orders v2 through PayPal's server SDK (``paypal-server-sdk``).

The buyer approves the order at its ``approve_url``; PayPal's ``CHECKOUT.ORDER.APPROVED``
makes the payment ``authorized``, and the shop captures it by an outbox job at once
(``PAYPAL_CAPTURE_METHOD=automatic``) or when staff say so (``manual``). Every call carries
``PayPal-Request-Id`` (PayPal's idempotency key) and waits at most
``PAYPAL_TIMEOUT_SECONDS``; webhooks are verified by PayPal's own
``verify-webhook-signature`` API with the endpoint's ``PAYPAL_WEBHOOK_ID``.
"""

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from flask_babel import gettext
from paypalserversdk.configuration import Environment
from paypalserversdk.exceptions.api_exception import ApiException
from paypalserversdk.http.auth.o_auth_2 import ClientCredentialsAuthCredentials
from paypalserversdk.models.amount_with_breakdown import AmountWithBreakdown
from paypalserversdk.models.checkout_payment_intent import CheckoutPaymentIntent
from paypalserversdk.models.money import Money
from paypalserversdk.models.order_request import OrderRequest
from paypalserversdk.models.purchase_unit_request import PurchaseUnitRequest
from paypalserversdk.models.refund_request import RefundRequest
from paypalserversdk.paypal_serversdk_client import PaypalServersdkClient
from requests import Session

from ecom.payments.providers.base import (
    Answer,
    Charge,
    Event,
    MalformedWebhook,
    ProviderError,
    exponent,
)
from ecom.payments.providers.paypal_webhooks import WebhookVerifier, read_event

ENVIRONMENTS = {"sandbox": Environment.SANDBOX, "live": Environment.PRODUCTION}
# An order's status → the shop's payment status.
STATUSES = {
    "CREATED": "pending",
    "SAVED": "pending",
    "PAYER_ACTION_REQUIRED": "requires_action",
    "APPROVED": "authorized",
    "VOIDED": "cancelled",
    "COMPLETED": "captured",
}
REFUND_STATUSES = {"PENDING": "pending", "COMPLETED": "succeeded"}


class PayPalProvider:
    name = "paypal"

    def __init__(
        self,
        client: PaypalServersdkClient,
        *,
        webhook_id: str,
        capture_method: str = "automatic",
        tolerance: int = 300,
    ) -> None:
        self.client = client
        self.capture_method = capture_method
        self.verifier = WebhookVerifier(client, webhook_id, tolerance)

    @property
    def captures_on_authorization(self) -> bool:
        return self.capture_method == "automatic"

    @classmethod
    def from_config(
        cls, config: Mapping[str, Any], http: Session | None = None
    ) -> "PayPalProvider":
        client = PaypalServersdkClient(
            client_credentials_auth_credentials=ClientCredentialsAuthCredentials(
                o_auth_client_id=config["PAYPAL_CLIENT_ID"],
                o_auth_client_secret=config["PAYPAL_CLIENT_SECRET"],
            ),
            environment=ENVIRONMENTS[config["PAYPAL_ENVIRONMENT"]],
            timeout=config["PAYPAL_TIMEOUT_SECONDS"],
            http_client_instance=http,
            override_http_client_configuration=http is not None,
        )
        return cls(
            client,
            webhook_id=config["PAYPAL_WEBHOOK_ID"],
            capture_method=config["PAYPAL_CAPTURE_METHOD"],
            tolerance=config["WEBHOOK_TOLERANCE_SECONDS"],
        )

    def create(self, charge: Charge) -> Answer:
        unit = PurchaseUnitRequest(
            amount=AmountWithBreakdown(charge.currency, _value(charge.amount, charge.currency)),
            reference_id=str(charge.order_id),
            custom_id=str(charge.payment_id),
        )
        body = OrderRequest(intent=CheckoutPaymentIntent.CAPTURE, purchase_units=[unit])
        order = self._call(
            self.client.orders.create_order,
            {"body": body, "paypal_request_id": charge.idempotency_key},
        )
        approve = [link["href"] for link in order.get("links", []) if link["rel"] == "approve"]
        client_data = {
            "paypal_order_id": order["id"],
            "approve_url": approve[0] if approve else None,
        }
        return Answer(order["id"], STATUSES.get(order["status"], "pending"), order, client_data)

    def capture(self, reference: str, amount: Decimal, currency: str, key: str) -> Answer:
        """Capture the approved order (all of it: PayPal captures an order's whole amount)."""
        order = self._call(
            self.client.orders.capture_order,
            {"id": reference, "paypal_request_id": key, "prefer": "return=representation"},
        )
        return Answer(order["id"], STATUSES.get(order["status"], "pending"), order)

    def cancel(self, reference: str, key: str) -> Answer:
        """An order approved but not captured is left to expire: PayPal has no void for it."""
        return Answer(reference, "cancelled", {"id": reference, "status": "VOIDED"})

    def refund(
        self, reference: str, amount: Decimal, currency: str, key: str, reason: str
    ) -> Answer:
        order = self._call(self.client.orders.get_order, {"id": reference})
        body = RefundRequest(
            amount=Money(currency, _value(amount, currency)),
            custom_id=reference,
            note_to_payer=reason[:255] or None,
        )
        refund = self._call(
            self.client.payments.refund_captured_payment,
            {
                "capture_id": _capture_id(order),
                "body": body,
                "paypal_request_id": key,
                "prefer": "return=representation",
            },
        )
        return Answer(refund["id"], REFUND_STATUSES.get(refund["status"], "failed"), refund)

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> list[Event]:
        event = self.verifier.verify(body, headers)
        try:
            return read_event(event)
        except (KeyError, TypeError, AttributeError, ValueError, ArithmeticError) as exc:
            raise MalformedWebhook() from exc

    @staticmethod
    def _call(method: Any, options: dict[str, Any]) -> dict[str, Any]:
        """``method``'s answer as PayPal sent it (a dict), or ``ProviderError``."""
        try:
            response = method(options)
        except ApiException as exc:
            raise ProviderError(
                gettext("PayPal: %(reason)s (%(code)s)", reason=exc.reason, code=exc.response_code)
            ) from exc
        except OSError as exc:  # requests' connection errors and timeouts
            raise ProviderError(gettext("PayPal did not answer: %(error)s", error=exc)) from exc
        return json.loads(response.text)


def _value(amount: Decimal, currency: str) -> str:
    """PayPal's amount: a string with the currency's digits (``"19.90"``, ``"1990"`` in JPY)."""
    return f"{amount.quantize(Decimal(1).scaleb(-exponent(currency))):f}"


def _capture_id(order: dict[str, Any]) -> str:
    captures = [
        capture
        for unit in order.get("purchase_units", [])
        for capture in unit.get("payments", {}).get("captures", [])
    ]
    completed = [capture["id"] for capture in captures if capture["status"] == "COMPLETED"]
    if not completed:
        raise ProviderError(gettext("PayPal: the order has no completed capture to refund."))
    return completed[0]
