"""The order e-mails: confirmation and status changes (outbox handlers).

A row keeps amounts as plain decimals and the news as a code: the handler words and
formats them in the customer's language when it sends the mail (``ecom.common.mail``)."""

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from ecom.common import mail, outbox
from ecom.orders.models import Order

CONFIRMATION = "orders.confirmation"
STATUS_CHANGED = "orders.status_changed"

# Formatted with the row's payload (as staff see a waiting row).
SUBJECTS = {
    CONFIRMATION: _l("Order #{order_id} confirmed"),
    STATUS_CHANGED: _l("Order #{order_id}: {status}"),
}
# The subject the customer gets, by status.
STATUS_SUBJECTS = {
    "paid": _l("Order #{order_id}: paid"),
    "shipped": _l("Order #{order_id}: shipped"),
    "delivered": _l("Order #{order_id}: delivered"),
    "cancelled": _l("Order #{order_id}: cancelled"),
    "refunded": _l("Order #{order_id}: refunded"),
}

# What each status tells the customer; other statuses send nothing. "refunded" is the
# payment's, refunded in full: after the sale (returns, goodwill), or a cancelled order's,
# told with its cancellation.
NEWS = {
    "paid": _l("We received your payment."),
    "shipped": _l("Your order is on its way."),
    "delivered": _l("Your order was delivered."),
    "cancelled": _l("Your order was cancelled."),
    "refunded": _l("Your payment was refunded in full."),
    "cancelled_and_refunded": _l("Your order was cancelled and your payment refunded."),
}


def _about(order: Order) -> dict[str, Any]:
    return {
        "order_id": order.id,
        "email": order.user.email,
        "language": order.user.language,
        "first_name": order.user.first_name,
        "placed_at": order.created_at.isoformat(),
        "url": f"{current_app.config['FRONTEND_URL']}/orders/{order.id}",
    }


def _totals(order: Order) -> list[dict[str, str]]:
    """The order's breakdown as the e-mails show it: each row's kind (its label is the
    template's, ``email/totals.*``), its name (a voucher's code, a shipping method's) and
    its amount."""
    rows = [("subtotal", "", order.subtotal_amount)]
    if order.discount_amount:
        rows.append(("voucher", order.voucher_code, -order.discount_amount))
    if order.shipping_method_name is not None:
        # As the breakdown adds it up: with net prices the shipping's tax is in "Tax".
        shipping = order.shipping_amount
        if not order.prices_include_tax:
            shipping -= order.shipping_tax_amount
        rows.append(("shipping", order.shipping_method_name, shipping))
    if order.reverse_charge:
        rows.append(("reverse_charge", "", order.tax_amount))
    elif order.tax_amount:
        rows.append(
            ("tax_included" if order.prices_include_tax else "tax_added", "", order.tax_amount)
        )
    rows.append(("total", "", order.total_amount))
    return [{"kind": kind, "name": name, "amount": f"{amount:.2f}"} for kind, name, amount in rows]


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
        return "cancelled_and_refunded"
    return status


def send_status_change(order: Order, status: str) -> None:
    """Write the e-mail for an order that became ``status`` (or ``refunded``), if any."""
    if status in STATUS_SUBJECTS:
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
    subject = SUBJECTS[CONFIRMATION]
    language = payload.get("language")
    mail.send(payload["email"], subject, "order_confirmation", payload, key=key, language=language)


def deliver_status_change(key: str, payload: dict[str, Any]) -> None:
    context = {**payload, "news": NEWS[payload["news"]]}
    subject = STATUS_SUBJECTS[payload["status"]]
    language = payload.get("language")
    mail.send(payload["email"], subject, "order_status", context, key=key, language=language)
