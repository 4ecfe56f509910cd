"""Refunds: asked by staff or by the shop itself, sent to the provider as outbox jobs,
settled when the provider confirms. Refunds of a payment never add up past its amount."""

from decimal import Decimal
from uuid import uuid4

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ecom.accounts.models import User
from ecom.common import events, outbox
from ecom.common.errors import Conflict, NotFound
from ecom.common.models import lock_row, locked
from ecom.common.transactions import atomic
from ecom.extensions import db
from ecom.orders import transitions
from ecom.payments import capture
from ecom.payments.events import REFUND_SUCCEEDED
from ecom.payments.models import Payment, Refund
from ecom.payments.providers import get_provider
from ecom.payments.services import lock_order, record

REFUND = "payments.refund"
REFUNDABLE = ("captured", "partially_refunded")
CANCELLED_ORDER_REASON = "The order was cancelled."
LATE_PAYMENT_REASON = "The order was cancelled before the payment succeeded."


class NothingToRefund(Conflict):
    code = "nothing_to_refund"
    message = _l("The order has no captured payment left to refund.")


class RefundTooLarge(Conflict):
    """More than what the provider captured, less what is already refunded or asked."""

    code = "refund_too_large"

    def __init__(self, left: Decimal, currency: str) -> None:
        message = gettext(
            "At most %(amount)s %(currency)s is left to refund.", amount=left, currency=currency
        )
        super().__init__(message, errors={"amount": [message]})


def request_refund(
    order_id: int, *, reason: str, actor: User | None, amount: Decimal | None = None
) -> Refund:
    """Refund ``amount`` (default: all that is left) of the order's captured payment."""
    with atomic(keep_loaded=True):
        if lock_order(order_id) is None:
            raise NotFound(gettext("Order not found."))
        payment = _refundable_payment(order_id)
        if payment is None:
            raise NothingToRefund()
        return _refund(payment, amount, reason, actor)


def _refundable_payment(order_id: int) -> Payment | None:
    return db.session.scalar(
        locked(
            select(Payment)
            .where(Payment.order_id == order_id, Payment.status.in_(REFUNDABLE))
            .order_by(Payment.id.desc())
        )
    )


def _refund(payment: Payment, amount: Decimal | None, reason: str, actor: User | None) -> Refund:
    """Write the refund and its job in the caller's transaction (the payment is locked)."""
    asked = sum((r.amount for r in payment.refunds if r.status != "failed"), Decimal("0.00"))
    left = payment.refundable_amount - asked
    if left <= 0:
        raise NothingToRefund()
    amount = left if amount is None else amount
    if amount > left:
        raise RefundTooLarge(left, payment.currency)
    refund = Refund(
        payment=payment,
        amount=amount,
        reason=reason,
        idempotency_key=uuid4().hex,
        created_by_id=actor.id if actor else None,
    )
    db.session.add(refund)
    db.session.flush()
    outbox.enqueue(REFUND, {"refund_id": refund.id}, key=f"{REFUND}:{refund.id}")
    return refund


def refund_whole(payment: Payment, reason: str) -> None:
    """The shop refunds what is left of a payment (in the caller's transaction)."""
    _refund(payment, None, reason, None)


def refund_cancelled_order(order_id: int) -> None:
    """An order was cancelled: refund its captured payment, void an authorized one, or
    record a payment made off the providers (staff marked it paid) as refunded."""
    with atomic():
        order = lock_order(order_id)
        payment = _refundable_payment(order_id)
        if payment is not None:
            refund_whole(payment, CANCELLED_ORDER_REASON)
        elif order.payment_status == "paid":
            transitions.mark_refunded(order)
        else:
            capture.void_authorized(order_id)


def send_refund(key: str, payload: dict) -> None:
    """Ask the provider (the refund's key makes a repeat harmless), then record its answer."""
    refund = db.session.get(Refund, payload["refund_id"])
    payment = refund.payment
    answer = get_provider(payment.provider).refund(
        payment.reference, refund.amount, payment.currency, refund.idempotency_key, refund.reason
    )
    with atomic():
        lock_order(payment.order_id)
        refund = lock_row(Refund, refund.id)
        record(payment.provider, refund.payment, "refund", answer.data)
        refund.reference = answer.reference
        if answer.status == "failed":
            refund.status = "failed"
        elif answer.status == "succeeded":
            settle(refund.payment, confirmed=(refund.reference,))


def _record_succeeded(refund: Refund) -> None:
    payment = refund.payment
    events.record(
        REFUND_SUCCEEDED,
        refund_id=refund.id,
        payment_id=payment.id,
        order_id=payment.order_id,
        amount=refund.amount,
        currency=payment.currency,
    )


def settle(payment: Payment, *, confirmed: tuple[str, ...], total: Decimal | None = None) -> None:
    """The provider confirmed refunds ``confirmed`` (and ``total`` refunded so far, when it
    says): the payment and, once all is refunded, the order follow."""
    for refund in payment.refunds:
        if refund.reference in confirmed and refund.status == "pending":
            refund.status = "succeeded"
            _record_succeeded(refund)
    succeeded = sum((r.amount for r in payment.refunds if r.status == "succeeded"), Decimal(0))
    payment.refunded_amount = min(payment.amount, max(succeeded, total or Decimal(0)))
    if payment.refunded_amount <= 0:
        return
    fully = payment.refunded_amount >= payment.refundable_amount
    payment.status = "refunded" if fully else "partially_refunded"
    if fully and payment.order.payment_status == "paid":
        transitions.mark_refunded(payment.order)
