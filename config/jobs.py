"""The job queue (Celery) and the outbox it delivers."""

from typing import Any

from pydantic import PositiveInt

from config.fields import Group, setting


class JobSettings(Group):
    """Celery on `CELERY_BROKER_URL` (or `REDIS_URL`); without either, jobs run in process
    after the commit ([BACKGROUND_JOBS.md](BACKGROUND_JOBS.md))."""

    title = "Jobs and the outbox"

    CELERY_BROKER_URL: str | None = setting(
        None,
        "the queue's broker; unset (with `REDIS_URL`) = embedded mode",
        shown="`REDIS_URL`",
    )
    CELERY_BROKER_TIMEOUT: float = setting(
        0.5, "seconds to reach the broker before a row is left to the sweep"
    )
    JOB_TIME_LIMIT: PositiveInt = setting(
        60, "hard time limit of a job, seconds (soft limit 5 s earlier)"
    )
    OUTBOX_MAX_ATTEMPTS: PositiveInt = setting(5, "attempts before a row is `failed`")
    OUTBOX_RETRY_BASE_SECONDS: int = setting(
        30, "backoff: base × 2^(attempts−1), capped by `OUTBOX_RETRY_MAX_SECONDS`"
    )
    OUTBOX_RETRY_MAX_SECONDS: int = setting(3600, "the longest wait between two attempts")
    OUTBOX_SWEEP_SECONDS: PositiveInt = setting(60, "how often beat runs the sweep")
    OUTBOX_SWEEP_GRACE_SECONDS: int = setting(
        60, "the sweep leaves younger rows to their first hand-over"
    )
    OUTBOX_LEASE_SECONDS: PositiveInt = setting(
        60, "how long a claimed row stays claimed; an expired lease is claimed again"
    )
    PAYMENT_EXPIRY_SECONDS: float = setting(
        60, "how often beat expires unpaid orders ([PAYMENTS.md](PAYMENTS.md))"
    )

    PROMOTION_BOUNDARY_SECONDS: float = setting(
        60,
        "how often beat applies promotions that started or ended ([PROMOTIONS.md](PROMOTIONS.md))",
    )

    def apply(self, config: Any) -> None:
        super().apply(config)
        timeout = self.CELERY_BROKER_TIMEOUT
        config.CELERY = {
            "broker_url": self.CELERY_BROKER_URL or config.REDIS_URL,
            "task_ignore_result": True,
            # A job whose worker dies is delivered again (the outbox row makes it idempotent).
            "task_acks_late": True,
            "task_reject_on_worker_lost": True,
            "task_time_limit": self.JOB_TIME_LIMIT,
            "task_soft_time_limit": max(1, self.JOB_TIME_LIMIT - 5),
            # A dead broker fails the hand-over at once: the sweep delivers the row later.
            "task_publish_retry": False,
            "broker_connection_timeout": timeout,
            "broker_transport_options": {
                "max_retries": 0,
                "socket_timeout": timeout,
                "socket_connect_timeout": timeout,
            },
            "broker_connection_retry_on_startup": True,
            "worker_prefetch_multiplier": 1,
            "beat_schedule": {
                "outbox-sweep": {
                    "task": "ecom.outbox.sweep",
                    "schedule": float(self.OUTBOX_SWEEP_SECONDS),
                },
                "payments-expire-unpaid": {
                    "task": "ecom.payments.expire_unpaid",
                    "schedule": self.PAYMENT_EXPIRY_SECONDS,
                },
                "promotion-boundaries": {
                    "task": "ecom.pricing.apply_boundaries",
                    "schedule": self.PROMOTION_BOUNDARY_SECONDS,
                },
            },
        }
