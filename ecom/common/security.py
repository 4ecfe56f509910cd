"""HTTP hardening: proxies, HTTPS, security headers, CORS and request-body limits."""

import re
from collections.abc import Iterator

from flask import Flask, Response, current_app, redirect, request
from flask_cors import CORS
from werkzeug.middleware.proxy_fix import ProxyFix

from ecom.common.errors import ValidationFailed

# The API serves JSON only; nothing may load, frame or post from it.
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# Swagger UI, ReDoc and the back office: local assets, their inline bootstrap script,
# ReDoc's blob: worker and the data: images both UIs draw.
PAGE_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; "
    "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'"
)
PAGE_PREFIXES = ("/api/v1/docs", "/api/v1/redoc", "/admin")
# Probes and the metrics scrape, on the private side: plain HTTP is expected there.
PRIVATE_PREFIXES = ("/health", "/api/v1/health", "/metrics")
STATIC_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": (
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
        "microphone=(), payment=(), usb=()"
    ),
    "Cross-Origin-Opener-Policy": "same-origin",
}
CORS_EXPOSED_HEADERS = [
    "ETag",
    "Retry-After",
    "X-Request-ID",
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
]

JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
INNERMOST_CONTAINER = re.compile(rb"\[[^\[\]{}]*\]|\{[^\[\]{}]*\}")
# ``\u0000`` in a JSON string: the escape itself, not an escaped backslash before "u0000".
JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


def nesting_exceeds(body: bytes, limit: int) -> bool:
    """True when JSON ``body`` nests arrays/objects deeper than ``limit`` (C-speed passes)."""
    text = JSON_STRING.sub(b'""', body)
    for _ in range(limit):
        text, removed = INNERMOST_CONTAINER.subn(b"", text)
        if not removed:
            break
    unclosed = text.count(b"[") + text.count(b"{")
    return INNERMOST_CONTAINER.search(text) is not None or unclosed > limit


def refuse_abusive_json() -> None:
    """400 before any parser recurses into a body nested deeper than ``MAX_JSON_DEPTH``."""
    if not request.is_json:
        return
    # get_data enforces MAX_CONTENT_LENGTH (413) and keeps the body for the parser.
    if nesting_exceeds(request.get_data(cache=True), current_app.config["MAX_JSON_DEPTH"]):
        limit = current_app.config["MAX_JSON_DEPTH"]
        message = f"JSON body is nested deeper than {limit} levels."
        raise ValidationFailed(message, errors={"json": [message]})


def _request_texts() -> Iterator[str]:
    """The path, and every name and value of the query string and form."""
    yield request.path
    # Werkzeug fills request.form for these types only; others skip the parsing machinery.
    has_form = request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data")
    sources = (request.args, request.form) if has_form else (request.args,)
    for params in sources:
        for name, values in params.lists():
            yield name
            yield from values


def refuse_nul_characters() -> None:
    """400 for a NUL character in the path, query, form or JSON body: no database text
    column can hold one (PostgreSQL refuses it), so it must not get that far."""
    in_json = request.is_json and JSON_NUL.search(request.get_data(cache=True))
    if in_json or any("\x00" in text for text in _request_texts()):
        message = "NUL characters are not accepted."
        raise ValidationFailed(message, errors={"request": [message]})


def redirect_to_https() -> Response | None:
    """``SECURE_SSL_REDIRECT``: HTTP → HTTPS, except probes and scrapes on the private side."""
    if request.is_secure or request.path.startswith(PRIVATE_PREFIXES):
        return None
    code = 301 if request.method in ("GET", "HEAD") else 308
    return redirect(request.url.replace("http://", "https://", 1), code=code)


def add_security_headers(response: Response) -> Response:
    config = current_app.config
    response.headers.update(STATIC_HEADERS)
    page = request.path.startswith(PAGE_PREFIXES)
    response.headers["Content-Security-Policy"] = PAGE_CSP if page else API_CSP
    # Tokens and profiles must not linger in shared caches; cacheable reads set their own.
    if request.path.startswith("/api/") and "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-store"
    if request.is_secure or config["FORCE_HTTPS"]:
        response.headers["Strict-Transport-Security"] = (
            f"max-age={config['HSTS_SECONDS']}; includeSubDomains"
        )
    return response


def register_security(app: Flask) -> None:
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    if app.config["SECURE_SSL_REDIRECT"]:
        app.before_request(redirect_to_https)
    app.before_request(refuse_abusive_json)
    app.before_request(refuse_nul_characters)
    app.after_request(add_security_headers)
    if app.config["CORS_ALLOWED_ORIGINS"]:
        CORS(
            app,
            resources={r"/api/*": {"origins": app.config["CORS_ALLOWED_ORIGINS"]}},
            allow_headers=["Authorization", "Content-Type", "If-None-Match", "X-Request-ID"],
            expose_headers=CORS_EXPOSED_HEADERS,
            max_age=600,
        )
