"""``stripe``: PaymentIntents through the official SDK.

Every create, capture, cancel and refund carries a Stripe idempotency key and waits at most
``STRIPE_TIMEOUT_SECONDS`` for each HTTP request (the SDK retries a network failure twice);
webhooks are verified with the endpoint secret (``STRIPE_WEBHOOK_SECRET``) and a timestamp
tolerance.
"""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import stripe
from flask_babel import gettext

from ecom.payments.providers.base import (
    Answer,
    Charge,
    Event,
    InvalidSignature,
    MalformedWebhook,
    ProviderError,
    from_minor,
    to_minor,
)

SIGNATURE_HEADER = "Stripe-Signature"
# A PaymentIntent's status → the shop's payment status.
STATUSES = {
    "requires_payment_method": "pending",
    "requires_confirmation": "pending",
    "processing": "pending",
    "requires_action": "requires_action",
    "requires_capture": "authorized",
    "canceled": "cancelled",
    "succeeded": "captured",
}
# Webhook event type → the payment status it reports.
EVENT_KINDS = {
    "payment_intent.requires_action": "requires_action",
    "payment_intent.amount_capturable_updated": "authorized",
    "payment_intent.succeeded": "captured",
    "payment_intent.payment_failed": "failed",
    "payment_intent.canceled": "cancelled",
}
REFUND_STATUSES = {"pending": "pending", "requires_action": "pending", "succeeded": "succeeded"}


class StripeProvider:
    name = "stripe"
    captures_on_authorization = False

    def __init__(
        self,
        client: stripe.StripeClient,
        *,
        webhook_secret: str | None,
        capture_method: str = "automatic",
        tolerance: int = stripe.Webhook.DEFAULT_TOLERANCE,
    ) -> None:
        self.client = client
        self.webhook_secret = webhook_secret
        self.capture_method = capture_method
        self.tolerance = tolerance

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "StripeProvider":
        http_client = stripe.RequestsClient(timeout=config["STRIPE_TIMEOUT_SECONDS"])
        return cls(
            stripe.StripeClient(config["STRIPE_SECRET_KEY"], http_client=http_client),
            webhook_secret=config["STRIPE_WEBHOOK_SECRET"],
            capture_method=config["STRIPE_CAPTURE_METHOD"],
            tolerance=config["WEBHOOK_TOLERANCE_SECONDS"],
        )

    def create(self, charge: Charge) -> Answer:
        params = {
            "amount": to_minor(charge.amount, charge.currency),
            "currency": charge.currency.lower(),
            "capture_method": self.capture_method,
            "automatic_payment_methods": {"enabled": True},
            "metadata": {"order_id": str(charge.order_id), "payment_id": str(charge.payment_id)},
        }
        intent = self._call(
            self.client.v1.payment_intents.create, params, key=charge.idempotency_key
        )
        return _intent_answer(intent, client_data={"client_secret": intent.client_secret})

    def capture(self, reference: str, amount: Decimal, currency: str, key: str) -> Answer:
        params = {"amount_to_capture": to_minor(amount, currency)}
        capture = self.client.v1.payment_intents.capture
        return _intent_answer(self._call(capture, params, reference, key=key))

    def cancel(self, reference: str, key: str) -> Answer:
        cancel = self.client.v1.payment_intents.cancel
        return _intent_answer(self._call(cancel, {}, reference, key=key))

    def refund(
        self, reference: str, amount: Decimal, currency: str, key: str, reason: str
    ) -> Answer:
        params = {
            "payment_intent": reference,
            "amount": to_minor(amount, currency),
            "metadata": {"reason": reason[:500]},
        }
        refund = self._call(self.client.v1.refunds.create, params, key=key)
        status = REFUND_STATUSES.get(refund.status, "failed")
        return Answer(refund.id, status, refund.to_dict())

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> list[Event]:
        try:
            event = stripe.Webhook.construct_event(
                body, headers.get(SIGNATURE_HEADER), self.webhook_secret, self.tolerance
            )
        except (stripe.SignatureVerificationError, ValueError) as exc:
            raise InvalidSignature() from exc
        try:
            return self._events(event)
        except (KeyError, TypeError, AttributeError, ValueError, ArithmeticError) as exc:
            raise MalformedWebhook() from exc

    @staticmethod
    def _events(event: Any) -> list[Event]:
        """The shop's events in a verified Stripe event (Python's errors on another shape)."""
        data = event.to_dict()
        found = data["data"]["object"]
        currency = str(found.get("currency", "")).upper()
        if event.type in EVENT_KINDS:
            amount = found.get("amount_received") or found.get("amount") or 0
            kind = EVENT_KINDS[event.type]
            return [
                Event(event.id, kind, found["id"], data, from_minor(amount, currency), currency)
            ]
        if event.type == "charge.refunded" and found.get("payment_intent"):
            refunds = tuple(refund["id"] for refund in found.get("refunds", {}).get("data", []))
            amount = from_minor(found["amount_refunded"], currency)
            return [
                Event(event.id, "refund", found["payment_intent"], data, amount, currency, refunds)
            ]
        return []

    @staticmethod
    def _call(method: Any, params: dict[str, Any], *args: str, key: str) -> Any:
        try:
            return method(*args, params=params, options={"idempotency_key": key})
        except stripe.StripeError as exc:
            raise ProviderError(
                gettext("Stripe: %(reason)s", reason=exc.user_message or exc)
            ) from exc


def _intent_answer(intent: Any, client_data: dict[str, Any] | None = None) -> Answer:
    data = intent.to_dict()
    status = STATUSES.get(data["status"], "pending")
    if data["status"] == "requires_payment_method" and data.get("last_payment_error"):
        status = "failed"  # The last attempt was declined; the client may try again.
    return Answer(data["id"], status, data, client_data or {})
