"""The e-mail that tells the admins a subscription was disabled (an outbox mail job), each
in their own language."""

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ecom.accounts.models import User
from ecom.common import mail, outbox
from ecom.extensions import db
from ecom.integrations.webhooks.models import WebhookSubscription

DISABLED = "webhooks.disabled"
SUBJECT = _l("Webhook subscription #{subscription_id} disabled")


def tell_admins_disabled(subscription: WebhookSubscription, failures: int) -> None:
    """One mail per active admin, in the caller's transaction."""
    admins = db.session.scalars(
        select(User).where(User.role == "admin", User.is_active.is_(True)).order_by(User.id)
    )
    page = f"{current_app.config['SHOP_URL']}/admin/webhooks/edit/?id={subscription.id}"
    for admin in admins:
        payload = {
            "email": admin.email,
            "language": admin.language,
            "subscription_id": subscription.id,
            "target": subscription.url,
            "failures": failures,
            "url": page,
        }
        key = f"{DISABLED}:{subscription.id}:{subscription.disabled_at.isoformat()}:{admin.id}"
        outbox.enqueue(DISABLED, payload, key=key)


def deliver_disabled(key: str, payload: dict[str, Any]) -> None:
    language = payload.get("language")
    mail.send(payload["email"], SUBJECT, "webhook_disabled", payload, key=key, language=language)
