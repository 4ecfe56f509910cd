"""What every payment provider does, in the shop's terms.

Amounts are ``Decimal`` in the shop; ``to_minor`` and ``from_minor`` convert at the
provider boundary (cents for USD, yen for JPY, fils for KWD).
"""

import hashlib
import hmac
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ecom.common.errors import DomainError, ValidationFailed

# ISO 4217 currencies without, or with three, minor digits (the rest have two).
ZERO_DECIMAL = frozenset(
    {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA"}
    | {"PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"}
)
THREE_DECIMAL = frozenset({"BHD", "JOD", "KWD", "OMR", "TND"})


def exponent(currency: str) -> int:
    currency = currency.upper()
    return 0 if currency in ZERO_DECIMAL else 3 if currency in THREE_DECIMAL else 2


def to_minor(amount: Decimal, currency: str) -> int:
    """``Decimal("19.90")``, ``"USD"`` → 1990."""
    return int(amount.scaleb(exponent(currency)).to_integral_exact())


def from_minor(amount: int, currency: str) -> Decimal:
    """1990, ``"USD"`` → ``Decimal("19.90")``."""
    return Decimal(amount).scaleb(-exponent(currency)).quantize(Decimal("0.01"))


class InvalidSignature(ValidationFailed):
    code = "invalid_signature"
    message = _l("The webhook's signature is missing or does not match.")


class MalformedWebhook(ValidationFailed):
    """A webhook signed with the right secret whose body is not an event the shop reads."""

    code = "malformed_webhook"
    message = _l("The webhook's body is not an event of the expected shape.")


# What a webhook event's fields may hold: the columns they are stored in.
MAX_TEXT = 255
MAX_KIND = 64
MAX_AMOUNT = Decimal("9999999999.99")


def check_event(event: "Event") -> None:
    """Raise ``MalformedWebhook`` unless ``event``'s fields fit what the shop stores."""
    texts = (event.id, event.reference, *event.refund_references)
    well_formed = (
        all(isinstance(text, str) and 0 < len(text) <= MAX_TEXT for text in texts)
        and isinstance(event.kind, str)
        and 0 < len(event.kind) <= MAX_KIND
        and (
            event.currency is None or (isinstance(event.currency, str) and len(event.currency) == 3)
        )
        and (
            event.amount is None
            or (isinstance(event.amount, Decimal) and 0 <= event.amount <= MAX_AMOUNT)
        )
    )
    if not well_formed:
        raise MalformedWebhook()


class ProviderError(DomainError):
    status = 502
    code = "payment_provider_error"
    message = _l("The payment provider refused or did not answer.")


@dataclass(frozen=True)
class Charge:
    """What the shop asks a provider to collect."""

    payment_id: int
    order_id: int
    amount: Decimal
    currency: str
    idempotency_key: str
    token: str | None = None


@dataclass(frozen=True)
class Answer:
    """A provider's answer about one payment or refund: its reference and new status."""

    reference: str
    status: str
    data: dict[str, Any]
    client_data: dict[str, Any] = field(default_factory=dict)
    # Webhooks the provider has the shop deliver to itself (the dummy's outcomes):
    # each ``{"delay": seconds, "body": ...}``.
    webhooks: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Event:
    """One webhook event: ``kind`` is a payment status, or ``refund`` with the refund's
    ``refund_references`` and the payment's ``amount`` refunded so far."""

    id: str
    kind: str
    reference: str
    data: dict[str, Any]
    amount: Decimal | None = None
    currency: str | None = None
    refund_references: tuple[str, ...] = ()


class Provider(Protocol):
    name: str
    # True when an ``authorized`` payment is the provider's cue for the shop to capture it
    # (PayPal's approved order), rather than a hold kept until staff capture it.
    captures_on_authorization: bool

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "Provider": ...

    def create(self, charge: Charge) -> Answer:
        """Start collecting ``charge``; ``client_data`` tells the client how to finish."""

    def capture(self, reference: str, amount: Decimal, currency: str, key: str) -> Answer: ...

    def cancel(self, reference: str, key: str) -> Answer: ...

    def refund(
        self, reference: str, amount: Decimal, currency: str, key: str, reason: str
    ) -> Answer:
        """Refund ``amount`` (all or part) of a captured payment."""

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> list[Event]:
        """Verify the signature (``InvalidSignature`` otherwise) and read the events."""


def sign(body: bytes, secret: str, timestamp: int | None = None) -> str:
    """A ``t=<unix time>,v1=<hex HMAC-SHA256 of "t.body">`` signature header (Stripe's scheme)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={_digest(body, secret, timestamp)}"


def verify(body: bytes, header: str | None, secret: str, tolerance: int) -> None:
    """Raise ``InvalidSignature`` unless ``header`` signs ``body`` within ``tolerance`` seconds."""
    parts = [part.partition("=") for part in (header or "").split(",")]
    timestamps = [value for name, _, value in parts if name == "t" and value.isdigit()]
    signatures = [value for name, _, value in parts if name == "v1"]
    if not timestamps or not signatures:
        raise InvalidSignature()
    timestamp = int(timestamps[0])
    expected = _digest(body, secret, timestamp)
    if not any(hmac.compare_digest(expected, signature) for signature in signatures):
        raise InvalidSignature()
    if timestamp < time.time() - tolerance:
        raise InvalidSignature(gettext("The webhook's signature is too old."))


def _digest(body: bytes, secret: str, timestamp: int) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
