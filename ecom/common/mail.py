"""E-mail through Flask-Mailman: Jinja templates with a text and an HTML part, one layout.

``send(to, subject, template, context, key=...)`` renders ``email/<template>.txt`` and
``email/<template>.html`` (both extend ``email/layout.*``) with the shop's name and URL,
and sends them with ``MAIL_BACKEND`` (SMTP, or the console on the embedded default).
The ``Message-ID`` comes from the outbox key, so a receiver can tell a repeat. A mail job
names its subject when registered (``Handlers.add(..., mail_subject=...)``), so the back
office shows a waiting row's recipient and subject (``heading``) and nothing else of it.
"""

from typing import Any, NamedTuple

from flask import current_app, render_template
from flask_mailman import EmailMultiAlternatives

from ecom.common.metrics import EMAILS


class Heading(NamedTuple):
    """What staff see of a mail waiting in the outbox: never its payload (links, digests)."""

    to: str
    subject: str


def subject_line(subject: str) -> str:
    return f"{subject} | {current_app.config['SHOP_NAME']}"


def heading(handler: str, payload: dict[str, Any]) -> Heading | None:
    """The recipient and subject of an outbox row's mail; None for a row that is no mail."""
    subject = current_app.extensions["outbox"].mail_subjects.get(handler)
    if subject is None or "email" not in payload:
        return None
    try:
        return Heading(payload["email"], subject_line(subject.format_map(payload)))
    except KeyError:
        # A row written before its subject named this field: the recipient still shows.
        return Heading(payload["email"], subject_line(subject))


def message_id(key: str) -> str:
    return f"<{key.replace(':', '.')}@ecom.outbox>"


def send(to: str, subject: str, template: str, context: dict[str, Any], *, key: str) -> None:
    config = current_app.config
    context = {"shop_name": config["SHOP_NAME"], "shop_url": config["SHOP_URL"], **context}
    message = EmailMultiAlternatives(
        subject=subject_line(subject),
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
