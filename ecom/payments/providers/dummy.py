"""``dummy``: the embedded test provider, complete enough to run a front end against.

The outcome is chosen by the token (or test card number) sent to ``pay``:

| token | card number | outcome |
|---|---|---|
| `tok_success` (default) | `4242424242424242` | captured |
| `tok_decline` | `4000000000000002` | failed |
| `tok_requires_action` | `4000002500003155` | requires_action, then captured |
| `tok_delayed` | `4000000000000077` | captured after `DUMMY_DELAY_SECONDS` |

With ``DUMMY_CAPTURE_METHOD=manual`` a success is ``authorized`` instead of captured, and
``capture`` sends the ``captured`` webhook. Its outcomes reach the shop as webhooks signed
like Stripe's (``DUMMY_WEBHOOK_SECRET``).
"""

import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from uuid import uuid4

from flask_babel import gettext

from ecom.common.errors import ValidationFailed
from ecom.payments.providers.base import (
    Answer,
    Charge,
    Event,
    MalformedWebhook,
    from_minor,
    sign,
    to_minor,
    verify,
)

SIGNATURE_HEADER = "Dummy-Signature"
# token → the webhook events it leads to, each as (kind, delayed).
OUTCOMES: dict[str, tuple[tuple[str, bool], ...]] = {
    "tok_success": (("captured", False),),
    "tok_decline": (("failed", False),),
    "tok_requires_action": (("requires_action", False), ("captured", False)),
    "tok_delayed": (("captured", True),),
}
CARDS = {
    "4242424242424242": "tok_success",
    "4000000000000002": "tok_decline",
    "4000002500003155": "tok_requires_action",
    "4000000000000077": "tok_delayed",
}
DEFAULT_TOKEN = "tok_success"


class DummyProvider:
    name = "dummy"
    captures_on_authorization = False

    def __init__(
        self, secret: str, tolerance: int, delay: int, capture_method: str = "automatic"
    ) -> None:
        self.secret = secret
        self.tolerance = tolerance
        self.delay = delay
        self.capture_method = capture_method

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "DummyProvider":
        return cls(
            config["DUMMY_WEBHOOK_SECRET"],
            config["WEBHOOK_TOLERANCE_SECONDS"],
            config["DUMMY_DELAY_SECONDS"],
            config["DUMMY_CAPTURE_METHOD"],
        )

    def create(self, charge: Charge) -> Answer:
        """A payment whose outcome arrives as the answer's ``webhooks``."""
        token = CARDS.get(charge.token or "", charge.token or DEFAULT_TOKEN)
        if token not in OUTCOMES:
            tokens = ", ".join([*OUTCOMES, *CARDS])
            message = gettext("Unknown test token; use one of %(tokens)s.", tokens=tokens)
            raise ValidationFailed(message, errors={"token": [message]})
        reference = "dummy_pi_" + _short(charge.idempotency_key)
        manual = self.capture_method == "manual"
        webhooks = [
            self._webhook(
                "authorized" if manual and kind == "captured" else kind,
                reference,
                charge.amount,
                charge.currency,
                self.delay if delayed else 0,
            )
            for kind, delayed in OUTCOMES[token]
        ]
        secret = f"{reference}_secret_{_short(self.secret + reference)}"
        return Answer(
            reference,
            "pending",
            {"id": reference, "token": token, "webhooks": webhooks},
            client_data={"client_secret": secret},
            webhooks=webhooks,
        )

    def capture(self, reference: str, amount: Decimal, currency: str, key: str) -> Answer:
        """Captured; the confirmation follows as the answer's ``captured`` webhook."""
        webhooks = [self._webhook("captured", reference, amount, currency, 0)]
        data = {"id": reference, "captured": to_minor(amount, currency), "webhooks": webhooks}
        return Answer(reference, "captured", data, webhooks=webhooks)

    def cancel(self, reference: str, key: str) -> Answer:
        return Answer(reference, "cancelled", {"id": reference, "status": "cancelled"})

    def refund(
        self, reference: str, amount: Decimal, currency: str, key: str, reason: str
    ) -> Answer:
        refund = "dummy_re_" + _short(key)
        data = {"id": refund, "payment": reference, "amount": to_minor(amount, currency)}
        return Answer(refund, "succeeded", data)

    def _webhook(
        self, kind: str, reference: str, amount: Decimal, currency: str, delay: int
    ) -> dict[str, Any]:
        body = self.event_body(kind, reference, amount=amount, currency=currency)
        return {"delay": delay, "body": body}

    def event_body(
        self, kind: str, reference: str, *, amount: Decimal, currency: str, **extra: Any
    ) -> str:
        """A webhook body as the dummy sends it (amounts in minor units)."""
        event = {
            "id": f"evt_{uuid4().hex}",
            "type": kind,
            "reference": reference,
            "amount": to_minor(amount, currency),
            "currency": currency.lower(),
            **extra,
        }
        return json.dumps(event)

    def signature_headers(self, body: bytes) -> dict[str, str]:
        return {SIGNATURE_HEADER: sign(body, self.secret)}

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> list[Event]:
        verify(body, headers.get(SIGNATURE_HEADER), self.secret, self.tolerance)
        try:
            event = json.loads(body)
            currency = event["currency"].upper()
            amount = from_minor(int(event["amount"]), currency)
            return [
                Event(
                    id=event["id"],
                    kind=event["type"],
                    reference=event["reference"],
                    data=event,
                    amount=amount,
                    currency=currency,
                    refund_references=tuple(event.get("refunds", ())),
                )
            ]
        except (ValueError, KeyError, TypeError, AttributeError, ArithmeticError) as exc:
            raise MalformedWebhook(gettext("The webhook's body is not a dummy event.")) from exc


def _short(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:24]
