"""Which domain events go out live, and to whom: each is written to the outbox in the
event's transaction (a rolled-back change announces nothing, a committed one is not lost),
and its job adds it to the stream every real-time process reads."""

from typing import Any

from flask import current_app

from ecom.catalog.events import STOCK_LOW
from ecom.common import outbox
from ecom.common.events import Event, EventKind, Listeners, When
from ecom.common.outbox import Handlers
from ecom.fulfilment.events import FULFILMENT_CREATED, FULFILMENT_DELIVERED
from ecom.orders.events import ORDER_PAYMENT_STATUS_CHANGED, ORDER_PLACED, ORDER_STATUS_CHANGED
from ecom.realtime.stream import Stream
from ecom.returns.events import RETURN_REQUESTED, RETURN_STATUS_CHANGED

PUBLISH = "realtime.publish"
CUSTOMER = "customer"  # the customer the payload's user_id names
STAFF = "staff"
# Each event announced live, and who hears of it.
AUDIENCES: dict[EventKind, tuple[str, ...]] = {
    ORDER_PLACED: (CUSTOMER, STAFF),
    ORDER_STATUS_CHANGED: (CUSTOMER, STAFF),
    ORDER_PAYMENT_STATUS_CHANGED: (CUSTOMER, STAFF),
    FULFILMENT_CREATED: (CUSTOMER, STAFF),
    FULFILMENT_DELIVERED: (CUSTOMER, STAFF),
    RETURN_REQUESTED: (CUSTOMER, STAFF),
    RETURN_STATUS_CHANGED: (CUSTOMER, STAFF),
    STOCK_LOW: (STAFF,),
}


def register(listeners: Listeners, handlers: Handlers) -> None:
    for kind in AUDIENCES:
        listeners.on(kind, _announce, when=When.IN_TRANSACTION)
    handlers.add(PUBLISH, _publish)


def hint(event: Event) -> dict[str, Any]:
    """What a client receives: the event's name, id, time and documented payload, and
    who may see it."""
    audience = AUDIENCES[event.kind]
    return {
        "event": event.name,
        "event_id": event.id,
        "occurred_at": event.occurred_at.isoformat(),
        "data": dict(event.payload),
        "user_id": event.payload.get("user_id") if CUSTOMER in audience else None,
        "staff": STAFF in audience,
    }


def _announce(event: Event) -> None:
    outbox.enqueue(PUBLISH, hint(event), key=f"{PUBLISH}:{event.id}")


def _publish(_key: str, payload: dict[str, Any]) -> None:
    stream().publish(payload)


def stream() -> Stream:
    """The stream of this app (``register_realtime`` makes it)."""
    return current_app.extensions["realtime.stream"]
