"""One HTTP request of a delivery: signed as Standard Webhooks says, with a timeout, no
redirect followed, no proxy from the environment, and only the answer's first KB read."""

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx
from standardwebhooks.webhooks import Webhook

from ecom.common.models import utcnow
from ecom.integrations.webhooks.models import ANSWER_BYTES

USER_AGENT = "ecom-webhooks/1"


@dataclass(frozen=True)
class Answer:
    """What one attempt got: a status (None when no answer came), or an error."""

    status: int | None
    latency_ms: int
    text: str = ""
    error: str = ""
    retry_after: float | None = None
    # Whether a failure without a status may be retried (a refused target may not).
    transient: bool = True


def signed_headers(secret: str, message_id: str, body: bytes) -> dict[str, str]:
    now = utcnow()
    return {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, now, body),
    }


def post(url: str, secret: str, message_id: str, body: bytes, timeout: float) -> Answer:
    headers = signed_headers(secret, message_id, body)
    started = time.monotonic()
    try:
        with (
            httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client,
            client.stream("POST", url, content=body, headers=headers) as response,
        ):
            text = _first_bytes(response).decode("utf-8", errors="replace")
            retry_after = _retry_after(response.headers.get("retry-after"))
            return Answer(response.status_code, _since(started), text, "", retry_after)
    except httpx.TimeoutException:
        return Answer(None, _since(started), error=f"No answer within {timeout:g} s.")
    except httpx.HTTPError as error:
        return Answer(None, _since(started), error=f"{type(error).__name__}: {error}"[:500])


def _first_bytes(response: httpx.Response) -> bytes:
    read = b""
    for chunk in response.iter_bytes():
        read += chunk
        if len(read) >= ANSWER_BYTES:
            break
    return read[:ANSWER_BYTES]


def _retry_after(value: str | None) -> float | None:
    """``Retry-After`` in seconds: a number of seconds or an HTTP date."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max((moment - datetime.now(UTC)).total_seconds(), 0.0)


def _since(started: float) -> int:
    return round((time.monotonic() - started) * 1000)
