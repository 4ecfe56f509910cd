"""What the orders domain does when its events happen: e-mails and counters."""

from ecom.common.events import Event, Listeners, When
from ecom.common.metrics import ORDERS, PAYMENTS
from ecom.common.outbox import Handlers
from ecom.extensions import db
from ecom.orders import emails
from ecom.orders.events import ORDER_PAYMENT_STATUS_CHANGED, ORDER_PLACED, ORDER_STATUS_CHANGED
from ecom.orders.models import Order


def register(listeners: Listeners, handlers: Handlers) -> None:
    listeners.on(ORDER_PLACED, _confirm, when=When.IN_TRANSACTION)
    listeners.on(ORDER_PLACED, _count_placed, when=When.AFTER_COMMIT)
    listeners.on(ORDER_STATUS_CHANGED, _tell_status, when=When.IN_TRANSACTION)
    listeners.on(ORDER_STATUS_CHANGED, _count_status, when=When.AFTER_COMMIT)
    listeners.on(ORDER_PAYMENT_STATUS_CHANGED, _tell_refund, when=When.IN_TRANSACTION)
    listeners.on(ORDER_PAYMENT_STATUS_CHANGED, _count_payment, when=When.AFTER_COMMIT)
    for name, deliver in (
        (emails.CONFIRMATION, emails.deliver_confirmation),
        (emails.STATUS_CHANGED, emails.deliver_status_change),
    ):
        handlers.add(name, deliver, mail_subject=emails.SUBJECTS[name])


def _order(event: Event) -> Order:
    return db.session.get(Order, event.payload["order_id"])


def _confirm(event: Event) -> None:
    emails.send_confirmation(_order(event))


def _tell_status(event: Event) -> None:
    emails.send_status_change(_order(event), event.payload["to_status"])


def _tell_refund(event: Event) -> None:
    if event.payload["to_status"] == "refunded":
        emails.send_status_change(_order(event), "refunded")


def _count_placed(_event: Event) -> None:
    ORDERS.labels("placed").inc()


def _count_status(event: Event) -> None:
    ORDERS.labels(event.payload["to_status"]).inc()


def _count_payment(event: Event) -> None:
    PAYMENTS.labels(event.payload["to_status"]).inc()
