"""Outgoing webhooks: how deliveries are sent, retried and given up."""

from pydantic import PositiveFloat, PositiveInt

from config.fields import Group, setting


class WebhookSettings(Group):
    """Signed deliveries to the shop's subscribers, through the outbox
    ([INTEGRATIONS.md](INTEGRATIONS.md#webhooks))."""

    title = "Webhooks"

    WEBHOOK_TIMEOUT_SECONDS: PositiveFloat = setting(
        10, "seconds a receiver has to answer one delivery (connect and read)"
    )
    WEBHOOK_MAX_ATTEMPTS: PositiveInt = setting(
        8, "attempts of one delivery before it is `failed` (retryable answers only)"
    )
    WEBHOOK_RETRY_BASE_SECONDS: PositiveFloat = setting(
        30, "backoff: base × 2^(attempts−1) with full jitter, capped by the maximum"
    )
    WEBHOOK_RETRY_MAX_SECONDS: PositiveFloat = setting(
        6 * 3600, "the longest wait between two attempts (a `Retry-After` too)"
    )
    WEBHOOK_MAX_CONSECUTIVE_FAILURES: PositiveInt = setting(
        10, "failed deliveries in a row that disable a subscription (admins are e-mailed)"
    )
    WEBHOOK_ALLOW_PRIVATE_TARGETS: bool = setting(
        False,
        "deliver to private, loopback and link-local addresses (tests); production refuses it",
    )

    def production_problems(self) -> dict[str, str]:
        if not self.WEBHOOK_ALLOW_PRIVATE_TARGETS:
            return {}
        return {
            "WEBHOOK_ALLOW_PRIVATE_TARGETS": "must be off in production: a subscriber could "
            "make the shop call its own private network"
        }
