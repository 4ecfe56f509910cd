"""The app's Redis client, when ``REDIS_URL`` is set."""

import redis
from flask import current_app

# A dead Redis must cost milliseconds, not a worker's whole timeout.
SOCKET_TIMEOUT_SECONDS = 0.5


def socket_options() -> dict[str, float]:
    """Timeouts for every Redis client of the app (cache, rate limits)."""
    return {
        "socket_timeout": SOCKET_TIMEOUT_SECONDS,
        "socket_connect_timeout": SOCKET_TIMEOUT_SECONDS,
    }


def create_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, health_check_interval=30, **socket_options())


def get_redis() -> redis.Redis | None:
    """The shared client of the current app, or None when Redis is not configured."""
    return current_app.extensions.get("redis")
