"""Rate limits: who a request counts against, which limits apply, and the unbound limiter.

Limits are read from the configuration at request time (``RATELIMIT_READS``,
``RATELIMIT_WRITES``, ``RATELIMIT_AUTH``), so each environment tunes them without code.
The client address is ``request.remote_addr``: ``X-Forwarded-For`` only reaches it
through ``ProxyFix`` and the ``TRUSTED_PROXIES`` it is told to believe. When the storage
(Redis) fails, requests pass unlimited (``RATELIMIT_SWALLOW_ERRORS``).
"""

import logging
from collections.abc import Callable

import redis
from flask import current_app, request
from flask_jwt_extended import decode_token
from flask_jwt_extended.exceptions import JWTExtendedException
from flask_limiter import ApplicationLimit, Limiter, RequestLimit
from jwt import PyJWTError
from limits import parse

from ecom.common.metrics import RATE_LIMITED

security_log = logging.getLogger("security")

READ_METHODS = ("GET", "HEAD", "OPTIONS")
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
UNLIMITED_PREFIXES = ("/health/", "/api/v1/health/", "/api/v1/static/", "/static/", "/metrics")


def client_ip() -> str:
    """The caller's address as the trusted proxies report it."""
    return request.remote_addr or "unknown"


def token_subject() -> str | None:
    """The subject of the request's bearer token when its signature is valid."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    try:
        return str(decode_token(token)["sub"])
    except (PyJWTError, JWTExtendedException, KeyError):
        return None


def client_key() -> str:
    """The signed-in user (a valid signature suffices), else the client address."""
    subject = token_subject()
    return f"user:{subject}" if subject else f"ip:{client_ip()}"


def submitted_email() -> str:
    """The email a login or registration form names (JSON or form body), normalised."""
    body = request.get_json(silent=True) if request.is_json else request.form
    email = body.get("email") if hasattr(body, "get") else None
    if isinstance(email, str) and email.strip():
        return "email:" + email.strip().lower()
    return f"ip:{client_ip()}"


def spend(setting: str, scope: str, key: str) -> bool:
    """Count one use of ``key`` against the limit ``setting`` (in the limiter's store, so
    every worker shares it); False once the limit is spent. True while the limits are off
    or their store is down, as they fail open."""
    if not current_app.config["RATELIMIT_ENABLED"]:
        return True
    item = parse(current_app.config[setting])
    identifiers = filter(None, (current_app.config["RATELIMIT_KEY_PREFIX"], key, scope))
    try:
        allowed = limiter.limiter.hit(item, *identifiers)
    except redis.RedisError:
        return True
    if not allowed:
        RATE_LIMITED.inc()
        security_log.warning("rate limit hit limit=%s key=%s scope=%s", item, key, scope)
    return allowed


def configured(name: str) -> Callable[[], str]:
    return lambda: current_app.config[name]


def is_unlimited() -> bool:
    return request.path.startswith(UNLIMITED_PREFIXES)


def log_breach(limit: RequestLimit) -> None:
    RATE_LIMITED.inc()
    security_log.warning(
        "rate limit hit limit=%s key=%s path=%s", limit.limit, limit.key, request.path
    )


def application_limits() -> list[ApplicationLimit]:
    """``RATELIMIT_READS`` and ``RATELIMIT_WRITES`` per client (user or address)."""
    return [
        ApplicationLimit(
            configured("RATELIMIT_READS"),
            key_function=client_key,
            scope="reads",
            methods=READ_METHODS,
        ),
        ApplicationLimit(
            configured("RATELIMIT_WRITES"),
            key_function=client_key,
            scope="writes",
            methods=WRITE_METHODS,
        ),
    ]


# The unbound limiter (the factory binds it), built from the rules above.
limiter = Limiter(
    key_func=client_key, application_limits=application_limits(), on_breach=log_breach
)
limiter.request_filter(is_unlimited)
