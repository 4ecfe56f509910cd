"""The outbox handler that sends a delivery, and how its attempt is recorded.

The outbox leases the job (one worker at a time), so each attempt is made once; its row,
the delivery's state and the subscription's run of failures are written in one
transaction after the request, none held while it runs. Retries go back to the outbox
(``RetryLater`` with the policy's delay, ``GiveUp`` when failed for good).
"""

import json
from typing import Any

from flask import current_app
from sqlalchemy import select, update

from ecom.common.models import utcnow
from ecom.common.outbox import GiveUp, RetryLater
from ecom.common.transactions import atomic
from ecom.extensions import db
from ecom.integrations.webhooks import emails, policy, sending
from ecom.integrations.webhooks.errors import TargetRefused
from ecom.integrations.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from ecom.integrations.webhooks.targets import check_target
from ecom.integrations.webhooks.topics import PING


def deliver(_key: str, payload: dict[str, Any]) -> None:
    """Send the delivery ``payload`` names, if it is still pending."""
    delivery = db.session.scalar(
        select(WebhookDelivery).where(WebhookDelivery.message_id == payload["message_id"])
    )
    if delivery is None or delivery.state != "pending":
        db.session.commit()
        return
    subscription = delivery.subscription
    if not subscription.is_active and delivery.topic != PING:
        _stop(delivery.id)
        raise GiveUp("The subscription is inactive.")
    url, secret, message_id = subscription.url, subscription.secret, delivery.message_id
    body = json.dumps(delivery.body, separators=(",", ":")).encode()
    delivery_id, attempts = delivery.id, delivery.attempts + 1
    db.session.commit()  # no transaction is held during the request
    answer = _attempt(url, secret, message_id, body)
    verdict = policy.judge(answer, attempts)
    _record(delivery_id, answer, verdict)
    if verdict.outcome == "retrying":
        raise RetryLater(_summary(answer), verdict.retry_in)
    if verdict.outcome == "failed":
        raise GiveUp(_summary(answer))


def _attempt(url: str, secret: str, message_id: str, body: bytes) -> sending.Answer:
    try:
        check_target(url)
    except TargetRefused as refused:
        return sending.Answer(None, 0, error=refused.message, transient=False)
    timeout = current_app.config["WEBHOOK_TIMEOUT_SECONDS"]
    return sending.post(url, secret, message_id, body, timeout)


def _summary(answer: sending.Answer) -> str:
    return f"HTTP {answer.status}" if answer.status is not None else answer.error


def _stop(delivery_id: int) -> None:
    with atomic():
        db.session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == delivery_id, WebhookDelivery.state == "pending")
            .values(state="failed", updated_at=utcnow())
        )


def _record(delivery_id: int, answer: sending.Answer, verdict: policy.Verdict) -> None:
    now = utcnow()
    with atomic():
        delivery = db.session.get(WebhookDelivery, delivery_id)
        db.session.add(
            WebhookAttempt(
                delivery_id=delivery_id,
                attempted_at=now,
                status_code=answer.status,
                latency_ms=answer.latency_ms,
                answer=answer.text,
                error=answer.error[:500],
                outcome=verdict.outcome,
            )
        )
        delivery.attempts += 1
        if verdict.outcome != "retrying":
            delivery.state = verdict.outcome
            delivery.delivered_at = now if verdict.outcome == "succeeded" else None
        if delivery.topic != PING and verdict.outcome != "retrying":
            _count(delivery.subscription_id, failed=verdict.outcome == "failed")


def _count(subscription_id: int, *, failed: bool) -> None:
    """A failed delivery lengthens the subscription's run of failures (which disables it at
    ``WEBHOOK_MAX_CONSECUTIVE_FAILURES``, telling the admins); a success ends it."""
    table = WebhookSubscription
    if not failed:
        db.session.execute(
            update(table).where(table.id == subscription_id).values(consecutive_failures=0)
        )
        return
    db.session.execute(
        update(table)
        .where(table.id == subscription_id)
        .values(consecutive_failures=table.consecutive_failures + 1)
    )
    limit = current_app.config["WEBHOOK_MAX_CONSECUTIVE_FAILURES"]
    disabled = db.session.execute(
        update(table)
        .where(table.id == subscription_id, table.is_active.is_(True))
        .where(table.consecutive_failures >= limit)
        .values(is_active=False, disabled_at=utcnow())
    ).rowcount
    if disabled:
        emails.tell_admins_disabled(db.session.get(WebhookSubscription, subscription_id), limit)
