"""The e-mail of a parcel that left, with its tracking link (an outbox handler)."""

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from ecom.common import mail, outbox
from ecom.fulfilment.models import Fulfilment

SHIPPED = "fulfilment.shipped"
SUBJECTS = {SHIPPED: _l("Order #{order_id}: a parcel is on its way")}


def send_shipped(fulfilment: Fulfilment) -> None:
    """Write the e-mail of a fulfilment (in the caller's transaction)."""
    customer = fulfilment.order.user
    payload = {
        "order_id": fulfilment.order_id,
        "fulfilment_id": fulfilment.id,
        "email": customer.email,
        "language": customer.language,
        "first_name": customer.first_name,
        "shipped_at": fulfilment.created_at.isoformat(),
        "url": f"{current_app.config['FRONTEND_URL']}/orders/{fulfilment.order_id}",
        "carrier": fulfilment.carrier.name,
        "tracking_number": fulfilment.tracking_number,
        "tracking_url": fulfilment.tracking_url,
        "lines": [
            {
                "title": line.order_item.title,
                "variant_label": line.order_item.variant_label,
                "sku": line.order_item.sku,
                "quantity": line.quantity,
            }
            for line in fulfilment.lines
        ],
    }
    outbox.enqueue(SHIPPED, payload, key=f"{SHIPPED}:{fulfilment.id}")


def deliver_shipped(key: str, payload: dict[str, Any]) -> None:
    language = payload.get("language")
    subject = SUBJECTS[SHIPPED]
    mail.send(payload["email"], subject, "fulfilment_shipped", payload, key=key, language=language)
