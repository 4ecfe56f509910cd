"""The order e-mails: confirmation and status changes (outbox handlers)."""

from typing import Any

from flask import current_app

from ecom.common import mail, outbox
from ecom.orders.models import Order

CONFIRMATION = "orders.confirmation"
STATUS_CHANGED = "orders.status_changed"

# Formatted with the row's payload.
SUBJECTS = {
    CONFIRMATION: "Order #{order_id} confirmed",
    STATUS_CHANGED: "Order #{order_id}: {status}",
}

# What each status tells the customer; other statuses send nothing. "refunded" is the
# payment's, refunded in full: after the sale (returns, goodwill), or a cancelled order's,
# told with its cancellation.
NEWS = {
    "paid": "We received your payment.",
    "shipped": "Your order is on its way.",
    "delivered": "Your order was delivered.",
    "cancelled": "Your order was cancelled.",
    "refunded": "Your payment was refunded in full.",
}
CANCELLED_AND_REFUNDED = "Your order was cancelled and your payment refunded."


def _about(order: Order) -> dict[str, Any]:
    return {
        "order_id": order.id,
        "email": order.user.email,
        "first_name": order.user.first_name,
        "url": f"{current_app.config['FRONTEND_URL']}/orders/{order.id}",
    }


def _totals(order: Order) -> list[dict[str, str]]:
    """The order's breakdown as the e-mails show it, in the shop's currency."""
    currency = current_app.config["SHOP_CURRENCY"]
    rows = [("Subtotal", order.subtotal_amount)]
    if order.discount_amount:
        rows.append((f"Voucher {order.voucher_code}", -order.discount_amount))
    if order.shipping_method_name is not None:
        # As the breakdown adds it up: with net prices the shipping's tax is in "Tax".
        shipping = order.shipping_amount
        if not order.prices_include_tax:
            shipping -= order.shipping_tax_amount
        rows.append((f"Shipping ({order.shipping_method_name})", shipping))
    if order.tax_amount or order.reverse_charge:
        included = "included" if order.prices_include_tax else "added"
        label = "VAT reverse charged" if order.reverse_charge else f"Tax ({included})"
        rows.append((label, order.tax_amount))
    rows.append(("Total", order.total_amount))
    return [{"label": label, "amount": f"{amount:.2f} {currency}"} for label, amount in rows]


def invoice_url(order: Order) -> str:
    """Where the owner downloads the invoice issued when the order was paid (the API's
    `GET orders/{id}/invoice/`, docs/INVOICES.md)."""
    return f"{current_app.config['SHOP_URL']}/api/v1/orders/{order.id}/invoice/"


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
            "discount": f"{item.discount_amount:.2f}",
            "tax_rate": f"{item.tax_rate:.3f}".rstrip("0").rstrip("."),
        }
        for item in order.items
    ]
    payload = {
        **_about(order),
        "lines": lines,
        "totals": _totals(order),
        "address": order.shipping_address,
    }
    outbox.enqueue(CONFIRMATION, payload, key=f"{CONFIRMATION}:{order.id}")


def _news(order: Order, status: str) -> str:
    if status == "refunded" and order.status == "cancelled":
        return CANCELLED_AND_REFUNDED
    return NEWS[status]


def send_status_change(order: Order, status: str) -> None:
    """Write the e-mail for an order that became ``status`` (or ``refunded``), if any."""
    if status in NEWS:
        payload = {
            **_about(order),
            "status": status,
            "news": _news(order, status),
            "totals": _totals(order),
        }
        if status == "paid":
            payload["invoice_url"] = invoice_url(order)
        outbox.enqueue(STATUS_CHANGED, payload, key=f"{STATUS_CHANGED}:{order.id}:{status}")


def deliver_confirmation(key: str, payload: dict[str, Any]) -> None:
    subject = SUBJECTS[CONFIRMATION].format_map(payload)
    mail.send(payload["email"], subject, "order_confirmation", payload, key=key)


def deliver_status_change(key: str, payload: dict[str, Any]) -> None:
    subject = SUBJECTS[STATUS_CHANGED].format_map(payload)
    mail.send(payload["email"], subject, "order_status", payload, key=key)
