"""E-mail through Flask-Mailman: Jinja templates with a text and an HTML part, one layout.

``send(to, subject, template, context, key=...)`` renders ``email/<template>.txt`` and
``email/<template>.html`` (both extend ``email/layout.*``) with the shop's name and URL,
and sends them with ``MAIL_BACKEND`` (SMTP, or the console on the embedded default).
The ``Message-ID`` comes from the outbox key, so a receiver can tell a repeat.
"""

from typing import Any

from flask import current_app, render_template
from flask_mailman import EmailMultiAlternatives

from ecom.common.metrics import EMAILS


def message_id(key: str) -> str:
    return f"<{key.replace(':', '.')}@ecom.outbox>"


def send(to: str, subject: str, template: str, context: dict[str, Any], *, key: str) -> None:
    config = current_app.config
    context = {"shop_name": config["SHOP_NAME"], "shop_url": config["SHOP_URL"], **context}
    message = EmailMultiAlternatives(
        subject=f"{subject} | {config['SHOP_NAME']}",
        body=render_template(f"email/{template}.txt", subject=subject, **context),
        to=[to],
        headers={"Message-ID": message_id(key)},
    )
    message.attach_alternative(
        render_template(f"email/{template}.html", subject=subject, **context), "text/html"
    )
    try:
        message.send()
    except Exception:
        EMAILS.labels("failed").inc()
        raise
    EMAILS.labels("sent").inc()
