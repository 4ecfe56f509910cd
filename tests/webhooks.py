"""Webhook test helpers: a receiver per module, subscriptions to its paths, and a sweep that
runs the outbox's retries until the deliveries settle."""

import time
from datetime import timedelta

from sqlalchemy import select

from ecom.common.jobs import sweep
from ecom.extensions import db
from ecom.integrations.webhooks import services
from ecom.integrations.webhooks.models import WebhookDelivery
from tests.webhook_receiver import Receiver


def subscribe(receiver: Receiver, path: str, *events: str, **fields):
    """A subscription of the receiver's ``path`` to ``events``, its secret told to it."""
    subscription = services.create_subscription(
        {"url": receiver.url(path), "events": list(events), **fields}
    )
    receiver.expect(path, subscription.secret)
    return subscription


def deliveries(subscription_id: int) -> list[WebhookDelivery]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.subscription_id == subscription_id)
            .order_by(WebhookDelivery.id)
        )
    )


def settle(subscription_id: int, timeout: float = 10) -> list[WebhookDelivery]:
    """Sweep the outbox (embedded jobs: the retries run here) until no delivery of the
    subscription is pending; its deliveries."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = deliveries(subscription_id)
        if all(delivery.state != "pending" for delivery in found):
            return found
        sweep(timedelta(0))
        time.sleep(0.05)
    raise AssertionError(f"deliveries still pending: {deliveries(subscription_id)}")
