"""What the payments domain does when others' events happen, and its outbox jobs."""

from ecom.common import outbox
from ecom.common.events import Event, Listeners, When
from ecom.common.outbox import Handlers
from ecom.common.permissions import integration_token_id
from ecom.orders.events import ORDER_STATUS_CHANGED
from ecom.payments import capture, jobs, manual, refunds
from ecom.payments.services import DUMMY_WEBHOOK


def register(listeners: Listeners, handlers: Handlers) -> None:
    listeners.on(ORDER_STATUS_CHANGED, _settle_if_cancelled, when=When.IN_TRANSACTION)
    listeners.on(ORDER_STATUS_CHANGED, _refuse_paid_by_hand, when=When.IN_TRANSACTION)
    handlers.add(jobs.SETTLE_CANCELLED, jobs.settle_cancelled_order)
    handlers.add(DUMMY_WEBHOOK, jobs.deliver_dummy_webhook)
    handlers.add(refunds.REFUND, refunds.send_refund)
    handlers.add(capture.CAPTURE, capture.send_capture)
    handlers.add(capture.VOID, capture.send_void)


def _settle_if_cancelled(event: Event) -> None:
    """A cancelled order's captured payment is refunded, an authorized one voided."""
    if event.payload["to_status"] == "cancelled":
        order_id = event.payload["order_id"]
        key = f"{jobs.SETTLE_CANCELLED}:{order_id}"
        outbox.enqueue(jobs.SETTLE_CANCELLED, {"order_id": order_id}, key=key)


def _refuse_paid_by_hand(event: Event) -> None:
    """An order paying through a provider becomes paid by its capture alone (actor: the
    shop), never by a person or an integration token, through the API's status change or
    the back office."""
    change = event.payload
    by_hand = change["changed_by_id"] is not None or integration_token_id() is not None
    if change["to_status"] == "paid" and by_hand:
        payment = manual.live_payment(change["order_id"])
        if payment is not None:
            raise manual.PaidThroughProvider(payment)
