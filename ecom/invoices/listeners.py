"""What the invoices domain does when orders and payments' events happen: it issues a
document in their transaction, and renders its PDF in an outbox job."""

from ecom.common.events import Event, Listeners, When
from ecom.common.outbox import Handlers
from ecom.invoices import issuing, rendering
from ecom.orders.events import ORDER_PAYMENT_STATUS_CHANGED
from ecom.payments.events import REFUND_SUCCEEDED


def register(listeners: Listeners, handlers: Handlers) -> None:
    listeners.on(ORDER_PAYMENT_STATUS_CHANGED, _invoice_if_paid, when=When.IN_TRANSACTION)
    listeners.on(REFUND_SUCCEEDED, _credit_refund, when=When.IN_TRANSACTION)
    handlers.add(rendering.RENDER, rendering.render_document)


def _invoice_if_paid(event: Event) -> None:
    """An order that became paid gets its invoice, numbered in the same transaction."""
    if event.payload["to_status"] == "paid":
        issuing.issue_invoice(event.payload["order_id"])


def _credit_refund(event: Event) -> None:
    """A refund the provider confirmed gets a credit note correcting the invoice."""
    issuing.issue_credit_note(event.payload["refund_id"])
