"""Rate limits: who a request counts against, the defaults, and the strict auth limit.

Limits are read from the configuration at request time (``RATELIMIT_READS``,
``RATELIMIT_WRITES``, ``RATELIMIT_AUTH``), so each environment tunes them without code.
The client address is ``request.remote_addr``: ``X-Forwarded-For`` only reaches it
through ``ProxyFix`` and the ``TRUSTED_PROXIES`` it is told to believe. When the storage
(Redis) fails, requests pass unlimited (``RATELIMIT_SWALLOW_ERRORS``).
"""

import logging
from collections.abc import Callable

from flask import current_app, request
from flask_jwt_extended import decode_token
from flask_jwt_extended.exceptions import JWTExtendedException
from flask_limiter import ApplicationLimit, Limiter, RequestLimit
from jwt import PyJWTError

security_log = logging.getLogger("security")

READ_METHODS = ("GET", "HEAD", "OPTIONS")
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
UNLIMITED_PREFIXES = ("/health/", "/api/v1/health/", "/api/v1/static/", "/static/")


def client_ip() -> str:
    """The caller's address as the trusted proxies report it."""
    return request.remote_addr or "unknown"


def _token_subject() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    try:
        return str(decode_token(token)["sub"])
    except (PyJWTError, JWTExtendedException, KeyError):
        return None


def client_key() -> str:
    """The signed-in user (a valid signature suffices), else the client address."""
    subject = _token_subject()
    return f"user:{subject}" if subject else f"ip:{client_ip()}"


def submitted_email() -> str:
    """The email a login or registration form names (JSON or form body), normalised."""
    body = request.get_json(silent=True) if request.is_json else request.form
    email = body.get("email") if hasattr(body, "get") else None
    if isinstance(email, str) and email.strip():
        return "email:" + email.strip().lower()
    return f"ip:{client_ip()}"


def _configured(name: str) -> Callable[[], str]:
    return lambda: current_app.config[name]


def _is_unlimited() -> bool:
    return request.path.startswith(UNLIMITED_PREFIXES)


def log_breach(limit: RequestLimit) -> None:
    security_log.warning(
        "rate limit hit limit=%s key=%s path=%s", limit.limit, limit.key, request.path
    )


limiter = Limiter(
    key_func=client_key,
    application_limits=[
        ApplicationLimit(
            _configured("RATELIMIT_READS"),
            key_function=client_key,
            scope="reads",
            methods=READ_METHODS,
        ),
        ApplicationLimit(
            _configured("RATELIMIT_WRITES"),
            key_function=client_key,
            scope="writes",
            methods=WRITE_METHODS,
        ),
    ],
    on_breach=log_breach,
)
limiter.request_filter(_is_unlimited)


def strict_limit(
    identity: Callable[[], str] = submitted_email, *, methods: list[str] | None = None
) -> Callable:
    """``RATELIMIT_AUTH`` per client address and, separately, per ``identity()``.

    For credential endpoints (login, registration, password change, the admin login):
    rotating addresses does not help against one account, nor accounts against one address.
    ``methods`` limits only those methods of a view that serves several (a login page's POST).
    """
    auth_limit = _configured("RATELIMIT_AUTH")
    per_address = limiter.limit(auth_limit, key_func=client_ip, methods=methods)
    per_identity = limiter.limit(auth_limit, key_func=identity, scope="identity", methods=methods)

    def decorator(view: Callable) -> Callable:
        return per_address(per_identity(view))

    return decorator
