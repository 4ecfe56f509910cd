"""Payment rules: start paying an order, and list an order's payments.

Every write that concerns an order locks the order's row first, then its payments: two
pay calls, two deliveries of one webhook, or a webhook and a customer's cancel take turns.
"""

from datetime import timedelta
from typing import Any
from uuid import uuid4

from flask import current_app
from flask_babel import gettext
from sqlalchemy import select

from ecom.accounts.models import User
from ecom.common import outbox
from ecom.common.errors import Conflict, NotFound
from ecom.common.models import lock_row, utcnow
from ecom.common.transactions import atomic
from ecom.extensions import db
from ecom.orders import services as orders
from ecom.orders.models import Order
from ecom.payments.models import Payment, PaymentEvent
from ecom.payments.providers import default_name, get_provider
from ecom.payments.providers.base import Charge

OPEN_STATUSES = ("pending", "requires_action")
# The outbox row that delivers one of the dummy's webhooks (handled in ``jobs``).
DUMMY_WEBHOOK = "payments.dummy_webhook"


class OrderNotPayable(Conflict):
    code = "order_not_payable"

    def __init__(self, status: str) -> None:
        super().__init__(f"The order is {status}; only a pending order can be paid.")


def lock_order(order_id: int) -> Order | None:
    """The order, locked and read afresh: the first lock of every write about an order."""
    return lock_row(Order, order_id)


def start_payment(
    user: User,
    order_id: int,
    *,
    provider: str | None = None,
    token: str | None = None,
    request_key: str | None = None,
) -> tuple[Payment, bool]:
    """Start paying the user's pending order; True when a payment was created now.

    A repeated ``request_key``, or a payment still open, answers that payment."""
    chosen = get_provider(provider or default_name())
    with atomic(keep_loaded=True):
        order = lock_order(order_id)
        if order is None or order.user_id != user.id:
            raise NotFound(gettext("Order not found."))
        existing = _existing_payment(order.id, request_key)
        if existing is not None:
            return existing, False
        if order.status != "pending":
            raise OrderNotPayable(order.status)
        payment = Payment(
            order_id=order.id,
            provider=chosen.name,
            amount=order.total_amount,
            currency=current_app.config["SHOP_CURRENCY"],
            idempotency_key=uuid4().hex,
            request_key=request_key,
        )
        db.session.add(payment)
        db.session.flush()
        charge = Charge(
            payment.id, order.id, payment.amount, payment.currency, payment.idempotency_key, token
        )
        answer = chosen.create(charge)
        payment.reference = answer.reference
        payment.status = answer.status
        payment.client_data = answer.client_data
        record(chosen.name, payment, "create", answer.data)
        schedule_webhooks(payment, answer.webhooks)
    return payment, True


def schedule_webhooks(payment: Payment, planned: list[dict[str, Any]], step: str = "") -> None:
    """Have the shop deliver a provider's planned webhooks to itself, through the queue
    (``step`` tells apart those of a later call, e.g. ``capture``)."""
    for number, webhook in enumerate(planned):
        outbox.enqueue(
            DUMMY_WEBHOOK,
            {"body": webhook["body"]},
            key=f"{DUMMY_WEBHOOK}:{payment.id}:{step}{number}",
            not_before=utcnow() + timedelta(seconds=webhook["delay"]),
        )


def _existing_payment(order_id: int, request_key: str | None) -> Payment | None:
    payments = db.session.scalars(
        select(Payment).where(Payment.order_id == order_id).order_by(Payment.id.desc())
    ).all()
    for payment in payments:
        if request_key is not None and payment.request_key == request_key:
            return payment
    return next((payment for payment in payments if payment.status in OPEN_STATUSES), None)


def record(
    provider: str,
    payment: Payment | None,
    kind: str,
    data: dict[str, Any],
    event_id: str | None = None,
) -> None:
    """Keep what the provider said, as received."""
    db.session.add(
        PaymentEvent(payment=payment, provider=provider, event_id=event_id, kind=kind, data=data)
    )


def payments_of(order_id: int, viewer: User) -> list[Payment]:
    """The payments of an order its owner or staff may see, oldest first."""
    return order_payments(orders.get_order(order_id, viewer).id)


def order_payments(order_id: int) -> list[Payment]:
    return list(
        db.session.scalars(select(Payment).where(Payment.order_id == order_id).order_by(Payment.id))
    )
