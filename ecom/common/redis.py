"""The app's Redis client, when ``REDIS_URL`` is set."""

import redis
from flask import current_app

# A dead Redis must cost milliseconds, not a worker's whole timeout.
SOCKET_TIMEOUT_SECONDS = 0.5


def create_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(
        url,
        socket_timeout=SOCKET_TIMEOUT_SECONDS,
        socket_connect_timeout=SOCKET_TIMEOUT_SECONDS,
        health_check_interval=30,
    )


def get_redis() -> redis.Redis | None:
    """The shared client of the current app, or None when Redis is not configured."""
    return current_app.extensions.get("redis")
