"""The payments' background work: the dummy's webhooks, refunds of cancelled paid orders,
and the periodic expiry of unpaid orders (beat runs ``ecom.payments.expire_unpaid``)."""

from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select

from ecom.common.models import utcnow
from ecom.common.transactions import atomic
from ecom.extensions import celery, db
from ecom.orders import transitions
from ecom.orders.models import Order
from ecom.payments import refunds, webhooks
from ecom.payments.providers.dummy import DummyProvider
from ecom.payments.services import lock_order

# The job a cancelled order leaves for its payment (the name rows already written carry).
SETTLE_CANCELLED = "orders.order_cancelled"


def deliver_dummy_webhook(key: str, payload: dict[str, Any]) -> None:
    """Signed at delivery, then received as any provider's webhook."""
    body = payload["body"].encode()
    dummy = DummyProvider.from_config(current_app.config)
    webhooks.receive(dummy.name, body, dummy.signature_headers(body))


def settle_cancelled_order(key: str, payload: dict[str, Any]) -> None:
    """Refund a captured payment of the cancelled order, or void an authorized one."""
    refunds.refund_cancelled_order(payload["order_id"])


@celery.task(name="ecom.payments.expire_unpaid")
def expire_unpaid_task() -> int:
    return expire_unpaid()


def expire_unpaid() -> int:
    """Cancel the orders still pending ``PAYMENT_TIMEOUT_MINUTES`` after they were placed,
    which puts their stock back; how many."""
    minutes = current_app.config["PAYMENT_TIMEOUT_MINUTES"]
    cutoff = utcnow() - timedelta(minutes=minutes)
    order_ids = db.session.scalars(
        select(Order.id).where(Order.status == "pending", Order.created_at < cutoff)
    ).all()
    db.session.commit()
    expired = 0
    for order_id in order_ids:
        with atomic():
            order = lock_order(order_id)
            if order.status == "pending":
                note = f"Not paid within {minutes} minutes."
                transitions.move(order, "cancelled", actor=None, note=note)
                expired += 1
    return expired
