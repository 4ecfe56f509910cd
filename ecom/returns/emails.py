"""The return e-mails: one at each step of a return (an outbox handler)."""

from typing import Any

from flask import current_app

from ecom.common import mail, outbox
from ecom.returns.models import Return

RETURN_STEP = "returns.step"
SUBJECT = "Return #{return_id} of order #{order_id}: {status}"

# What each status tells the customer.
NEWS = {
    "requested": "We received your return request and will answer it shortly.",
    "approved": "Your return was approved: please send the items back.",
    "rejected": "Your return was not accepted.",
    "received": "The items you sent back arrived.",
    "refunded": "Your return was refunded.",
    "cancelled": "Your return request was cancelled.",
}


def send_step(return_: Return, status: str) -> None:
    """Write the e-mail of the return's step to ``status`` (the caller commits)."""
    currency = current_app.config["SHOP_CURRENCY"]
    payload = {
        "return_id": return_.id,
        "order_id": return_.order_id,
        "email": return_.user.email,
        "first_name": return_.user.first_name,
        "status": status,
        "news": NEWS[status],
        "note": return_.rejection_reason if status == "rejected" else "",
        "lines": [
            {"title": line.item.title, "sku": line.item.sku, "quantity": line.quantity}
            for line in return_.lines
        ],
        "refund": f"{return_.refund_amount:.2f} {currency}" if status == "refunded" else "",
        "url": f"{current_app.config['FRONTEND_URL']}/orders/{return_.order_id}",
    }
    outbox.enqueue(RETURN_STEP, payload, key=f"{RETURN_STEP}:{return_.id}:{status}")


def deliver_step(key: str, payload: dict[str, Any]) -> None:
    subject = SUBJECT.format_map(payload)
    mail.send(payload["email"], subject, "return_status", payload, key=key)
