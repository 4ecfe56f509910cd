"""Provider webhooks: verified, recorded once, applied in order of the payment's life.

Providers deliver at least once and out of order: an event already recorded changes
nothing, and a status only moves forward (``captured`` then a late ``requires_action``
stays captured).
"""

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ecom.common import outbox
from ecom.common.models import locked
from ecom.common.transactions import atomic
from ecom.extensions import db
from ecom.orders import transitions
from ecom.payments import capture, refunds
from ecom.payments.models import Payment, PaymentEvent
from ecom.payments.providers import get_provider
from ecom.payments.providers.base import Event, Provider, check_event
from ecom.payments.services import lock_order, record

# The statuses a payment may move to from each status, whatever order events come in.
FORWARD: dict[str, tuple[str, ...]] = {
    "pending": ("requires_action", "authorized", "captured", "failed", "cancelled"),
    "requires_action": ("authorized", "captured", "failed", "cancelled"),
    # A declined payment may be retried by the customer with another card.
    "failed": ("requires_action", "authorized", "captured", "cancelled"),
    "authorized": ("captured", "cancelled"),
    "captured": (),  # refunds move it on (``refunds.settle``)
    "partially_refunded": (),
    "refunded": (),
    "cancelled": (),
}


def receive(provider_name: str, body: bytes, headers: Mapping[str, str]) -> int:
    """Verify and apply a webhook; how many of its events were new.

    A bad signature raises ``InvalidSignature``, and a signed body of another shape
    ``MalformedWebhook``, before anything is written."""
    provider = get_provider(provider_name)
    events = provider.parse_webhook(body, headers)
    for event in events:
        check_event(event)
    try:
        with atomic():
            return sum(_apply(provider, event) for event in events)
    except IntegrityError:
        # A concurrent delivery of the same event recorded it first.
        return 0


def _apply(provider: Provider, event: Event) -> bool:
    payment = _lock_payment(provider.name, event.reference)
    if _seen(provider.name, event.id):
        return False
    record(provider.name, payment, event.kind, event.data, event.id)
    if payment is None:
        return True
    if event.kind == "refund":
        refunds.settle(payment, confirmed=event.refund_references, total=event.amount)
    elif event.kind in FORWARD[payment.status]:
        payment.status = event.kind
        if event.kind == "captured":
            _pay_order(payment, event)
        elif event.kind == "authorized" and provider.captures_on_authorization:
            # PayPal's buyer approved: the shop takes the money itself (a background job).
            outbox.enqueue(
                capture.CAPTURE, {"payment_id": payment.id}, key=f"{capture.CAPTURE}:{payment.id}"
            )
    return True


def _lock_payment(provider: str, reference: str) -> Payment | None:
    """The payment, its order's row locked first (the order every writer takes)."""
    query = select(Payment).where(Payment.provider == provider, Payment.reference == reference)
    payment = db.session.scalar(query)
    if payment is None:
        return None
    lock_order(payment.order_id)
    return db.session.scalar(locked(query))


def _seen(provider: str, event_id: str) -> bool:
    return (
        db.session.scalar(
            select(PaymentEvent.id).where(
                PaymentEvent.provider == provider, PaymentEvent.event_id == event_id
            )
        )
        is not None
    )


def _pay_order(payment: Payment, event: Event) -> None:
    """A captured payment pays its order when the amounts agree; otherwise staff look."""
    order = payment.order
    if event.currency == payment.currency:
        payment.captured_amount = event.amount
    paid = (event.amount, event.currency) == (payment.amount, payment.currency)
    if not paid or payment.amount != order.total_amount:
        payment.flag = "amount_mismatch"
        return
    note = f"Payment #{payment.id} captured by {payment.provider} ({payment.reference})."
    try:
        transitions.move(order, "paid", actor=None, note=note)
    except transitions.InvalidTransition:
        # The order expired or was cancelled meanwhile: its stock may be gone.
        payment.flag = "order_not_payable"
        refunds.refund_whole(payment, refunds.LATE_PAYMENT_REASON)
