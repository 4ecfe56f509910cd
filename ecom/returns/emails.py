"""The return e-mails: one at each step of a return (an outbox handler), in the
customer's language."""

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from ecom.common import mail, outbox
from ecom.returns.models import Return

RETURN_STEP = "returns.step"
# Formatted with the row's payload (as staff see a waiting row).
SUBJECT = _l("Return #{return_id} of order #{order_id}: {status}")
# The subject the customer gets, by status.
SUBJECTS = {
    "requested": _l("Return #{return_id} of order #{order_id}: requested"),
    "approved": _l("Return #{return_id} of order #{order_id}: approved"),
    "rejected": _l("Return #{return_id} of order #{order_id}: rejected"),
    "received": _l("Return #{return_id} of order #{order_id}: received"),
    "refunded": _l("Return #{return_id} of order #{order_id}: refunded"),
    "cancelled": _l("Return #{return_id} of order #{order_id}: cancelled"),
}

# What each status tells the customer.
NEWS = {
    "requested": _l("We received your return request and will answer it shortly."),
    "approved": _l("Your return was approved: please send the items back."),
    "rejected": _l("Your return was not accepted."),
    "received": _l("The items you sent back arrived."),
    "refunded": _l("Your return was refunded."),
    "cancelled": _l("Your return request was cancelled."),
}


def send_step(return_: Return, status: str) -> None:
    """Write the e-mail of the return's step to ``status`` (the caller commits)."""
    payload = {
        "return_id": return_.id,
        "order_id": return_.order_id,
        "email": return_.user.email,
        "language": return_.user.language,
        "first_name": return_.user.first_name,
        "status": status,
        "note": return_.rejection_reason if status == "rejected" else "",
        "lines": [
            {"title": line.item.title, "sku": line.item.sku, "quantity": line.quantity}
            for line in return_.lines
        ],
        "refund": f"{return_.refund_amount:.2f}" if status == "refunded" else "",
        "url": f"{current_app.config['FRONTEND_URL']}/orders/{return_.order_id}",
    }
    outbox.enqueue(RETURN_STEP, payload, key=f"{RETURN_STEP}:{return_.id}:{status}")


def deliver_step(key: str, payload: dict[str, Any]) -> None:
    context = {**payload, "news": NEWS[payload["status"]]}
    subject = SUBJECTS[payload["status"]]
    language = payload.get("language")
    mail.send(payload["email"], subject, "return_status", context, key=key, language=language)
