"""The order e-mails: confirmation and status changes (outbox handlers)."""

from typing import Any

from flask import current_app

from ecom.common import mail, outbox
from ecom.orders.models import Order

CONFIRMATION = "orders.confirmation"
STATUS_CHANGED = "orders.status_changed"

# What each status tells the customer; other statuses send nothing.
NEWS = {
    "paid": "We received your payment.",
    "shipped": "Your order is on its way.",
    "delivered": "Your order was delivered.",
    "cancelled": "Your order was cancelled.",
    "refunded": "Your order was cancelled and your payment refunded.",
}


def _about(order: Order) -> dict[str, Any]:
    return {
        "order_id": order.id,
        "email": order.user.email,
        "first_name": order.user.first_name,
        "url": f"{current_app.config['FRONTEND_URL']}/orders/{order.id}",
    }


def send_confirmation(order: Order) -> None:
    """Write the confirmation of a placed order (flushed: it has an id; the caller commits)."""
    lines = [
        {
            "title": item.title,
            "sku": item.sku,
            "variant_label": item.variant_label,
            "quantity": item.quantity,
            "unit_price": f"{item.unit_price:.2f}",
            "subtotal": f"{item.subtotal:.2f}",
        }
        for item in order.items
    ]
    payload = {
        **_about(order),
        "lines": lines,
        "total": f"{order.total_amount:.2f}",
        "address": order.shipping_address,
    }
    outbox.enqueue(CONFIRMATION, payload, key=f"{CONFIRMATION}:{order.id}")


def send_status_change(order: Order, status: str) -> None:
    """Write the e-mail for an order that became ``status`` (or ``refunded``), if any."""
    if status in NEWS:
        payload = {**_about(order), "status": status, "news": NEWS[status]}
        outbox.enqueue(STATUS_CHANGED, payload, key=f"{STATUS_CHANGED}:{order.id}:{status}")


def deliver_confirmation(key: str, payload: dict[str, Any]) -> None:
    subject = f"Order #{payload['order_id']} confirmed"
    mail.send(payload["email"], subject, "order_confirmation", payload, key=key)


def deliver_status_change(key: str, payload: dict[str, Any]) -> None:
    subject = f"Order #{payload['order_id']}: {payload['status']}"
    mail.send(payload["email"], subject, "order_status", payload, key=key)
