"""Logs, Prometheus metrics, and the dashboard's alerts."""

from typing import Annotated, Literal

from pydantic import BeforeValidator, NonNegativeInt

from config.fields import Group, Networks, setting

LogLevel = Annotated[
    Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"],
    BeforeValidator(lambda value: value.upper() if isinstance(value, str) else value),
]


class MetricsSettings(Group):
    """Logs are JSON lines on stderr; `/metrics` serves Prometheus
    ([OPERATIONS.md](OPERATIONS.md))."""

    title = "Logs and metrics"

    LOG_LEVEL: LogLevel = setting("INFO", "the lowest level logged")
    REQUEST_LOG: bool = setting(
        True,
        "the app's JSON line per request; `gunicorn.conf.py` sets it `false` when "
        "`GUNICORN_ACCESS_LOG` is on",
    )
    METRICS_ALLOWED_IPS: Networks = setting(
        ["127.0.0.1", "::1"],
        "comma-separated addresses or networks that may read `/metrics` (404 for others)",
        shown="`127.0.0.1,::1`",
    )
    WORKER_METRICS_PORT: NonNegativeInt = setting(
        0,
        "a Celery worker serves its Prometheus metrics on this port (private network only); "
        "`0`: none",
    )
    LOW_STOCK_THRESHOLD: NonNegativeInt = setting(
        5, "the dashboard lists active products with at most this many units"
    )
