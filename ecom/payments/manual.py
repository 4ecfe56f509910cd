"""Payments taken outside the shop's providers (cash, a bank transfer): staff mark the
order paid by hand, with the reason in its history. An order paying through a provider
becomes paid only when that payment is captured (``webhooks``), never by hand."""

from flask_babel import gettext
from sqlalchemy import select

from ecom.accounts.models import User
from ecom.common.errors import Conflict, NotFound, ValidationFailed
from ecom.common.transactions import atomic
from ecom.extensions import db
from ecom.orders import transitions
from ecom.orders.models import Order
from ecom.payments.models import Payment
from ecom.payments.services import lock_order

# A payment in these statuses pays, or may still pay, its order through its provider.
LIVE_STATUSES = (
    "pending",
    "requires_action",
    "authorized",
    "captured",
    "partially_refunded",
    "refunded",
)
MAX_REASON = 500


class PaidThroughProvider(Conflict):
    code = "paid_through_provider"

    def __init__(self, payment: Payment) -> None:
        message = gettext(
            "Payment #%(id)s (%(provider)s) is %(status)s: the order becomes paid when that "
            "payment is captured, not by hand.",
            id=payment.id,
            provider=payment.provider,
            status=payment.status,
        )
        super().__init__(message, errors={"status": [message]})


def live_payment(order_id: int) -> Payment | None:
    """The order's newest payment through a provider that pays, or may still pay, it."""
    return db.session.scalar(
        select(Payment)
        .where(Payment.order_id == order_id, Payment.status.in_(LIVE_STATUSES))
        .order_by(Payment.id.desc())
    )


def mark_paid_by_hand(order_id: int, *, actor: User, reason: str) -> Order:
    """Mark a pending order paid for money taken outside the shop (no provider is asked);
    ``reason`` (how it was paid) goes to the order's history."""
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON:
        message = gettext("Say how the order was paid (1 to %(max)s characters).", max=MAX_REASON)
        raise ValidationFailed(message, errors={"reason": [message]})
    with atomic(keep_loaded=True):
        order = lock_order(order_id)
        if order is None:
            raise NotFound(gettext("Order not found."))
        payment = live_payment(order_id)
        if payment is not None:
            raise PaidThroughProvider(payment)
        transitions.move(order, "paid", actor=actor, note=f"Marked paid by hand: {reason}")
    return order
