"""The one table of webhook topics: each names the domain event it is sent for.

A topic is sent for every event of its kind whose payload passes ``only_if``, unless
``unless_also`` (an event of another kind with the same payload) was dispatched earlier in
the same transaction. Its body is the envelope ``{type, version, id, timestamp, data}``
where ``data`` is the event's payload and ``version`` the event kind's (docs/WEBHOOKS.md).
Adding a topic for a new domain event is one line below.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ecom.accounts.events import USER_REGISTERED
from ecom.catalog.events import PRODUCT_CHANGED, PRODUCT_CREATED, PRODUCT_DELETED, STOCK_LOW
from ecom.common.events import EventKind
from ecom.fulfilment.events import FULFILMENT_CREATED
from ecom.orders.events import ORDER_PLACED, ORDER_STATUS_CHANGED
from ecom.payments.events import REFUND_SUCCEEDED
from ecom.returns.events import RETURN_REQUESTED

Payload = Mapping[str, Any]

# A delivery staff send to check a receiver: no domain event behind it.
PING = "webhook.ping"


def status_is(status: str) -> Callable[[Payload], bool]:
    def matches(payload: Payload) -> bool:
        return payload["to_status"] == status

    matches.__doc__ = f"when `to_status` is `{status}`"
    return matches


@dataclass(frozen=True)
class Topic:
    name: str
    event: EventKind
    only_if: Callable[[Payload], bool] | None = None
    unless_also: EventKind | None = None


TOPICS: dict[str, Topic] = {
    topic.name: topic
    for topic in (
        Topic("order.created", ORDER_PLACED),
        Topic("order.paid", ORDER_STATUS_CHANGED, only_if=status_is("paid")),
        Topic("order.cancelled", ORDER_STATUS_CHANGED, only_if=status_is("cancelled")),
        # Every unit has shipped (a parcel's own topic is fulfilment.created).
        Topic("order.fulfilled", ORDER_STATUS_CHANGED, only_if=status_is("shipped")),
        Topic("fulfilment.created", FULFILMENT_CREATED),
        # Each refund the provider confirmed, whole or part.
        Topic("order.refunded", REFUND_SUCCEEDED),
        Topic("return.requested", RETURN_REQUESTED),
        Topic("product.created", PRODUCT_CREATED),
        Topic("product.updated", PRODUCT_CHANGED, unless_also=PRODUCT_CREATED),
        Topic("product.deleted", PRODUCT_DELETED),
        Topic("stock.low", STOCK_LOW),
        Topic("customer.created", USER_REGISTERED),
    )
}


def event_kinds() -> list[EventKind]:
    """The domain events some topic is sent for, each once, with those ``unless_also``
    names (whose dispatch must be seen)."""
    kinds: dict[str, EventKind] = {}
    for topic in TOPICS.values():
        for kind in (topic.event, topic.unless_also):
            if kind is not None:
                kinds.setdefault(kind.name, kind)
    return list(kinds.values())


def topics_of(kind: EventKind, payload: Payload) -> list[Topic]:
    return [
        topic
        for topic in TOPICS.values()
        if topic.event.name == kind.name and (topic.only_if is None or topic.only_if(payload))
    ]
