"""The in-transaction listener: one delivery row and one outbox job per (event,
subscription), written with the change, so a rolled-back change delivers nothing."""

import json
from typing import Any
from uuid import uuid4

from sqlalchemy import select

from ecom.common import outbox
from ecom.common.events import Event
from ecom.extensions import db
from ecom.integrations.webhooks.models import WebhookDelivery, WebhookSubscription
from ecom.integrations.webhooks.topics import PING, Topic, topics_of

DELIVER = "webhooks.deliver"
# Session.info: the events this transaction dispatched so far, for ``unless_also``.
SEEN_KEY = "ecom.webhooks.seen"


def on_event(event: Event) -> None:
    """Write the deliveries of every topic ``event`` is sent as, to each subscriber."""
    seen = _seen_in_transaction()
    topics = [
        topic
        for topic in topics_of(event.kind, event.payload)
        if topic.unless_also is None or (topic.unless_also.name, _key(event)) not in seen
    ]
    seen.add((event.name, _key(event)))
    if not topics:
        return
    subscriptions = db.session.scalars(
        select(WebhookSubscription).where(WebhookSubscription.is_active.is_(True))
    ).all()
    for topic in topics:
        for subscription in subscriptions:
            if topic.name in subscription.events:
                write_delivery(subscription, topic.name, event.id, _body(topic, event))


def write_delivery(
    subscription: WebhookSubscription, topic: str, event_id: str, body: dict[str, Any]
) -> WebhookDelivery:
    """A pending delivery of ``body`` and the outbox job that sends it (caller commits)."""
    delivery = WebhookDelivery(
        subscription=subscription,
        message_id=f"msg_{uuid4().hex}",
        event_id=event_id,
        topic=topic,
        body=body,
    )
    db.session.add(delivery)
    hand_over(delivery)
    return delivery


def hand_over(delivery: WebhookDelivery) -> None:
    outbox.enqueue(
        DELIVER,
        {"message_id": delivery.message_id},
        key=f"{DELIVER}:{delivery.message_id}:{uuid4().hex[:8]}",
    )


def ping_body(event_id: str, occurred_at: str) -> dict[str, Any]:
    return {"type": PING, "version": 1, "id": event_id, "timestamp": occurred_at, "data": {}}


def _body(topic: Topic, event: Event) -> dict[str, Any]:
    return {
        "type": topic.name,
        "version": event.kind.version,
        "id": event.id,
        "timestamp": event.occurred_at.isoformat(),
        "data": dict(event.payload),
    }


def _key(event: Event) -> str:
    return json.dumps(dict(event.payload), sort_keys=True, default=str)


def _seen_in_transaction() -> set:
    """The set of this transaction (another transaction's is left behind and replaced)."""
    session = db.session()
    transaction = session.get_transaction()
    owner, seen = session.info.get(SEEN_KEY, (None, set()))
    if owner is not transaction:
        seen = set()
        session.info[SEEN_KEY] = (transaction, seen)
    return seen
