"""Subscriptions (staff): written with a checked target and a generated secret, shown
once; a test ping; a redelivery of any finished delivery."""

import base64
import secrets
from uuid import uuid4

from flask_babel import gettext
from sqlalchemy import Select, select, update

from ecom.common.errors import NotFound
from ecom.common.models import utcnow
from ecom.common.transactions import atomic
from ecom.extensions import db
from ecom.integrations.webhooks.errors import DeliveryPending, SubscriptionInactive
from ecom.integrations.webhooks.fanout import hand_over, ping_body, write_delivery
from ecom.integrations.webhooks.models import WebhookDelivery, WebhookSubscription
from ecom.integrations.webhooks.targets import check_target
from ecom.integrations.webhooks.topics import PING

SECRET_BYTES = 24


def new_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and base64 of random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def subscriptions_query() -> Select:
    return select(WebhookSubscription).order_by(WebhookSubscription.id)


def get_subscription(subscription_id: int) -> WebhookSubscription:
    subscription = db.session.get(WebhookSubscription, subscription_id)
    if subscription is None:
        raise NotFound(gettext("Webhook subscription not found."))
    return subscription


def create_subscription(data: dict) -> WebhookSubscription:
    """A subscription to ``events`` at ``url``, with a new secret (the only answer that
    holds it)."""
    check_target(data["url"])
    with atomic(keep_loaded=True):
        subscription = WebhookSubscription(
            url=data["url"],
            events=sorted(set(data["events"])),
            description=data.get("description", ""),
            is_active=data.get("is_active", True),
            secret=new_secret(),
        )
        db.session.add(subscription)
    return subscription


def update_subscription(subscription_id: int, changes: dict) -> WebhookSubscription:
    """Change some fields; activating one that failures disabled starts its count anew."""
    if "url" in changes:
        check_target(changes["url"])
    with atomic(keep_loaded=True):
        subscription = get_subscription(subscription_id)
        if "events" in changes:
            changes = {**changes, "events": sorted(set(changes["events"]))}
        if changes.get("is_active") and not subscription.is_active:
            subscription.consecutive_failures = 0
            subscription.disabled_at = None
        for field, value in changes.items():
            setattr(subscription, field, value)
    return subscription


def delete_subscription(subscription_id: int) -> None:
    """Delete a subscription with its delivery log."""
    with atomic():
        db.session.delete(get_subscription(subscription_id))


def ping(subscription_id: int) -> WebhookDelivery:
    """Send a ``webhook.ping`` to the subscription, active or not (it counts no failure)."""
    with atomic(keep_loaded=True):
        subscription = get_subscription(subscription_id)
        event_id = uuid4().hex
        body = ping_body(event_id, utcnow().isoformat())
        delivery = write_delivery(subscription, PING, event_id, body)
    return delivery


def redeliver(delivery_id: int) -> WebhookDelivery:
    """Send a finished delivery again, the same message under the same ``webhook-id``."""
    with atomic(keep_loaded=True):
        delivery = get_delivery(delivery_id)
        if not delivery.subscription.is_active and delivery.topic != PING:
            raise SubscriptionInactive()
        moved = db.session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == delivery_id, WebhookDelivery.state != "pending")
            .values(state="pending", attempts=0, delivered_at=None, updated_at=utcnow())
        ).rowcount
        if not moved:
            raise DeliveryPending()
        hand_over(delivery)
    return delivery


def get_delivery(delivery_id: int) -> WebhookDelivery:
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        raise NotFound(gettext("Webhook delivery not found."))
    return delivery


def deliveries_query(subscription_id: int, state: str | None = None) -> Select:
    """A subscription's deliveries, newest first (``state`` when given)."""
    get_subscription(subscription_id)
    query = (
        select(WebhookDelivery)
        .where(WebhookDelivery.subscription_id == subscription_id)
        .order_by(WebhookDelivery.id.desc())
    )
    return query.where(WebhookDelivery.state == state) if state else query
