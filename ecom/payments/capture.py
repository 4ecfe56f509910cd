"""Manual capture: an ``authorized`` payment (``STRIPE_CAPTURE_METHOD`` or
``DUMMY_CAPTURE_METHOD`` ``manual``) is captured when staff say so, or voided when its
order is cancelled. The provider is called by outbox jobs; the capture's confirmation
arrives as the provider's webhook and pays the order through the usual rules."""

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ecom.common import outbox
from ecom.common.errors import Conflict, NotFound
from ecom.common.models import lock_row
from ecom.common.transactions import atomic
from ecom.extensions import db
from ecom.payments.models import Payment
from ecom.payments.providers import get_provider
from ecom.payments.services import lock_order, record, schedule_webhooks

CAPTURE = "payments.capture"
VOID = "payments.void"


class NothingToCapture(Conflict):
    code = "nothing_to_capture"
    message = _l("The order has no authorized payment to capture.")


def request_capture(order_id: int) -> Payment:
    """Have the provider capture the order's authorized payment (a background job)."""
    with atomic(keep_loaded=True):
        if lock_order(order_id) is None:
            raise NotFound(gettext("Order not found."))
        payment = authorized_payment(order_id)
        if payment is None:
            raise NothingToCapture()
        outbox.enqueue(CAPTURE, {"payment_id": payment.id})
    return payment


def void_authorized(order_id: int) -> None:
    """The order was cancelled: void its authorized payment, if any (caller's transaction)."""
    payment = authorized_payment(order_id)
    if payment is not None:
        outbox.enqueue(VOID, {"payment_id": payment.id}, key=f"{VOID}:{payment.id}")


def authorized_payment(order_id: int) -> Payment | None:
    return db.session.scalar(
        select(Payment)
        .where(Payment.order_id == order_id, Payment.status == "authorized")
        .order_by(Payment.id.desc())
    )


def send_capture(key: str, payload: dict) -> None:
    """Ask the provider to capture (a repeat is harmless: same idempotency key); the
    payment stays ``authorized`` until the provider's webhook confirms."""
    payment = db.session.get(Payment, payload["payment_id"])
    if payment.status != "authorized":
        return
    answer = get_provider(payment.provider).capture(
        payment.reference, payment.amount, payment.currency, f"{payment.idempotency_key}-capture"
    )
    with atomic():
        record(payment.provider, payment, "capture", answer.data)
        schedule_webhooks(payment, answer.webhooks, step="capture-")


def send_void(key: str, payload: dict) -> None:
    """Release the authorization; the provider's answer cancels the payment."""
    payment = db.session.get(Payment, payload["payment_id"])
    if payment.status != "authorized":
        return
    answer = get_provider(payment.provider).cancel(
        payment.reference, f"{payment.idempotency_key}-cancel"
    )
    with atomic():
        lock_order(payment.order_id)
        payment = lock_row(Payment, payment.id)
        record(payment.provider, payment, "cancel", answer.data)
        if answer.status == "cancelled" and payment.status == "authorized":
            payment.status = "cancelled"
