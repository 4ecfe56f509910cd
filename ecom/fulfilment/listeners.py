"""What the fulfilment domain does when events happen: the parcel's e-mail, parcels
delivered with their whole order, and the counters."""

from ecom.common.events import Event, Listeners, When
from ecom.common.metrics import FULFILMENTS
from ecom.common.outbox import Handlers
from ecom.extensions import db
from ecom.fulfilment import emails, services
from ecom.fulfilment.events import FULFILMENT_CREATED, FULFILMENT_DELIVERED
from ecom.fulfilment.models import Fulfilment
from ecom.orders.events import ORDER_STATUS_CHANGED
from ecom.orders.models import Order


def register(listeners: Listeners, handlers: Handlers) -> None:
    listeners.on(FULFILMENT_CREATED, _tell_shipped, when=When.IN_TRANSACTION)
    listeners.on(FULFILMENT_CREATED, _count_created, when=When.AFTER_COMMIT)
    listeners.on(FULFILMENT_DELIVERED, _count_delivered, when=When.AFTER_COMMIT)
    listeners.on(ORDER_STATUS_CHANGED, _deliver_parcels, when=When.IN_TRANSACTION)
    subject = emails.SUBJECTS[emails.SHIPPED]
    handlers.add(emails.SHIPPED, emails.deliver_shipped, mail_subject=subject)


def _tell_shipped(event: Event) -> None:
    emails.send_shipped(db.session.get(Fulfilment, event.payload["fulfilment_id"]))


def _deliver_parcels(event: Event) -> None:
    """The order was marked delivered as a whole: its parcels on their way arrived too."""
    if event.payload["to_status"] == "delivered":
        services.delivered_with_order(db.session.get(Order, event.payload["order_id"]))


def _count_created(_event: Event) -> None:
    FULFILMENTS.labels("created").inc()


def _count_delivered(_event: Event) -> None:
    FULFILMENTS.labels("delivered").inc()
