"""What an answer means: delivered, retried after a delay, or failed for good.

Timeouts, connection errors, 5xx, 408 and 429 are retried with exponential backoff and
jitter (or after ``Retry-After``), up to ``WEBHOOK_MAX_ATTEMPTS``; any other answer (a
3xx, since redirects are not followed; a 4xx, 410 included) fails the delivery at once.
"""

import random
from typing import NamedTuple

from flask import current_app

from ecom.integrations.webhooks.sending import Answer

RETRIED_STATUSES = frozenset({408, 429})


class Verdict(NamedTuple):
    outcome: str  # succeeded, retrying or failed
    retry_in: float | None = None


def judge(answer: Answer, attempts: int) -> Verdict:
    """The verdict on a delivery's ``attempts``-th attempt."""
    if answer.status is not None and 200 <= answer.status < 300:
        return Verdict("succeeded")
    if not retryable(answer) or attempts >= current_app.config["WEBHOOK_MAX_ATTEMPTS"]:
        return Verdict("failed")
    return Verdict("retrying", delay(attempts, answer.retry_after))


def retryable(answer: Answer) -> bool:
    if answer.status is None:
        return answer.transient
    return answer.status in RETRIED_STATUSES or answer.status >= 500


def delay(attempts: int, retry_after: float | None = None) -> float:
    """Seconds before the next attempt: the receiver's ``Retry-After`` when it gave one,
    else base × 2^(attempts−1) with equal jitter (half fixed, half random); capped."""
    config = current_app.config
    ceiling = config["WEBHOOK_RETRY_MAX_SECONDS"]
    if retry_after is not None:
        return min(retry_after, ceiling)
    backoff = min(config["WEBHOOK_RETRY_BASE_SECONDS"] * 2 ** (attempts - 1), ceiling)
    return backoff / 2 + random.uniform(0, backoff / 2)
