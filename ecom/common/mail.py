"""E-mail through Flask-Mailman: Jinja templates with a text and an HTML part, one layout.

``send(to, subject, template, context, key=...)`` renders ``email/<template>.txt`` and
``email/<template>.html`` (both extend ``email/layout.*``) with the shop's name and URL,
and sends them with ``MAIL_BACKEND`` (SMTP, or the console on the embedded default).
The ``Message-ID`` comes from the outbox key, so a receiver can tell a repeat. A mail job
names its subject when registered (``Handlers.add(..., mail_subject=...)``), so the back
office shows a waiting row's recipient and subject (``heading``) and nothing else of it.

A mail is written in its recipient's language, which its row keeps as ``language`` (their
account's; None for the shop's default): the subject (a translatable format string of the
context), the templates' texts, and the amounts and days they format (the ``currency``
and ``day`` filters) are made inside ``i18n.speaking`` when the job runs, never in the
request that wrote the row.
"""

from typing import Any, NamedTuple

from flask import current_app, render_template
from flask_mailman import EmailMultiAlternatives

from ecom.common.i18n import speaking
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


def send(
    to: str,
    subject: str,
    template: str,
    context: dict[str, Any],
    *,
    key: str,
    language: str | None = None,
) -> None:
    """Render and send ``template`` in ``language``; ``subject`` (a format string of the
    context, translated lazily) is translated and filled in that language too."""
    config = current_app.config
    context = {"shop_name": config["SHOP_NAME"], "shop_url": config["SHOP_URL"], **context}
    with speaking(language) as spoken:
        subject = str(subject).format_map(context)
        context = {**context, "subject": subject, "language": spoken}
        message = EmailMultiAlternatives(
            subject=subject_line(subject),
            body=render_template(f"email/{template}.txt", **context),
            to=[to],
            headers={"Message-ID": message_id(key)},
        )
        message.attach_alternative(
            render_template(f"email/{template}.html", **context), "text/html"
        )
    try:
        message.send()
    except Exception:
        EMAILS.labels("failed").inc()
        raise
    EMAILS.labels("sent").inc()
