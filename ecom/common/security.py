"""HTTP hardening: proxies, HTTPS, security headers, CORS and request-body limits."""

import json
import re
import secrets
from collections.abc import Iterator, Mapping
from typing import Any, NoReturn

from flask import Flask, Response, current_app, redirect, request
from flask_babel import gettext
from flask_cors import CORS
from werkzeug.middleware.proxy_fix import ProxyFix

from ecom.common.errors import ValidationFailed
from ecom.common.json_answers import AnswerJSONProvider

# The API serves JSON only; nothing may load, frame or post from it.
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# Swagger UI and ReDoc: local assets, their inline bootstrap script, ReDoc's blob: worker
# and the data: images both UIs draw.
PAGE_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; "
    "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'"
)
PAGE_PREFIXES = ("/api/v1/docs", "/api/v1/redoc")
# The account pages e-mails link to: forms posted to themselves, no script, no style.
FORM_CSP = "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
FORM_PREFIXES = ("/activate/", "/password/")
# The back office: local scripts, and inline ones only with the response's nonce (Flask-Admin
# marks its own); inline styles stay, Flask-Admin's markup and widgets set style attributes.
BACK_OFFICE_CSP = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
BACK_OFFICE_PREFIX = "/admin"
CSP_NONCE_KEY = "ecom.csp_nonce"
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
# Every response's headers, by kind, and their names as Werkzeug compares them.
API_HEADERS = [*STATIC_HEADERS.items(), ("Content-Security-Policy", API_CSP)]
PAGE_HEADERS = [*STATIC_HEADERS.items(), ("Content-Security-Policy", PAGE_CSP)]
FORM_HEADERS = [*STATIC_HEADERS.items(), ("Content-Security-Policy", FORM_CSP)]
SECURITY_HEADER_NAMES = frozenset(
    name.lower() for name, _ in [*API_HEADERS, ("Strict-Transport-Security", "")]
)
CORS_EXPOSED_HEADERS = [
    "ETag",
    "Retry-After",
    "X-Request-ID",
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
]

# ``\u0000`` in a JSON string: the escape itself, not an escaped backslash before "u0000".
JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
# The escape of a UTF-16 surrogate; only a lone one (not half of a pair) is refused.
JSON_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")
CONTAINERS = frozenset((list, dict))
# Python's default ``int`` conversion limit: a longer integer would fail (or take quadratic
# time) in ``int()``, so it is refused from its text, before any conversion.
MAX_INTEGER_DIGITS = 4300


def _bounded_int(text: str) -> int:
    if len(text) - text.startswith("-") > MAX_INTEGER_DIGITS:
        message = gettext(
            "Integers of more than %(digits)s digits are not accepted.", digits=MAX_INTEGER_DIGITS
        )
        raise ValidationFailed(message, errors={"json": [message]}, code="number_too_long")
    return int(text)


class BoundedJSONProvider(AnswerJSONProvider):
    """Flask's JSON, whose parse refuses an over-long integer with a 400 (every body read
    through ``request.get_json``: the views, their schemas and ``refuse_abusive_json``),
    and whose answers orjson writes (``json_answers``)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        kwargs.setdefault("parse_int", _bounded_int)
        return super().loads(s, **kwargs)


def nesting_exceeds(value: object, limit: int) -> bool:
    """True when parsed JSON ``value`` nests arrays/objects deeper than ``limit``.

    Level by level: every container's items are looked at once.
    """
    level = [value] if type(value) in CONTAINERS else []
    for _ in range(limit):
        level = [
            child
            for node in level
            for child in (node.values() if type(node) is dict else node)
            if type(child) in CONTAINERS
        ]
        if not level:
            return False
    return bool(level)


def _has_lone_surrogate(body: bytes, value: object) -> bool:
    if not JSON_SURROGATE.search(body):
        return False
    try:
        json.dumps(value, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return True
    return False


def _refuse(field: str, message: str) -> NoReturn:
    raise ValidationFailed(message, errors={field: [message]})


def refuse_abusive_json() -> None:
    """400 for a JSON body nested deeper than ``MAX_JSON_DEPTH``, or holding a NUL
    character or a lone UTF-16 surrogate (no database text column can store either).

    Only for routes that exist; the body is parsed once, by the C parser, and the parse is
    what the view reads (``ApiParser``): the checks add a pass over the parsed containers,
    and a byte search that only finds escapes in a body that has them.
    """
    if request.url_rule is None or not request.is_json:
        return
    limit = current_app.config["MAX_JSON_DEPTH"]
    too_deep = gettext("JSON body is nested deeper than %(limit)s levels.", limit=limit)
    # get_data enforces MAX_CONTENT_LENGTH (413) and keeps the body for the parser.
    body = request.get_data(cache=True)
    try:
        value = request.get_json(silent=True)
    except RecursionError:
        _refuse("json", too_deep)
    if value is None:
        return  # Not JSON: the view answers with its own 400.
    # Fewer opening brackets than the limit cannot nest past it: skip the walk.
    openers = body.count(b"[") + body.count(b"{")
    if openers > limit and nesting_exceeds(value, limit):
        _refuse("json", too_deep)
    if b"\\u0000" in body and JSON_NUL.search(body):
        _refuse("request", gettext("NUL characters are not accepted."))
    if _has_lone_surrogate(body, value):
        _refuse("json", gettext("Text may not contain lone UTF-16 surrogates."))


def _request_texts() -> Iterator[str]:
    """The path, and every name and value of the query string and (on a route) the form."""
    yield request.path
    # Werkzeug fills request.form for these types only; others skip the parsing machinery.
    form_types = ("application/x-www-form-urlencoded", "multipart/form-data")
    has_form = request.url_rule is not None and request.mimetype in form_types
    sources = (request.args, request.form) if has_form else (request.args,)
    for params in sources:
        for name, values in params.lists():
            yield name
            yield from values


def refuse_nul_characters() -> None:
    """400 for a NUL character in the path, query or form: no database text column can
    hold one (PostgreSQL refuses it), so it must not get that far."""
    # A multipart part without a name is read with name None.
    if any(text and "\x00" in text for text in _request_texts()):
        _refuse("request", gettext("NUL characters are not accepted."))


def redirect_to_https() -> Response | None:
    """``SECURE_SSL_REDIRECT``: HTTP → HTTPS, except probes and scrapes on the private side."""
    if request.is_secure or request.path.startswith(PRIVATE_PREFIXES):
        return None
    code = 301 if request.method in ("GET", "HEAD") else 308
    return redirect(request.url.replace("http://", "https://", 1), code=code)


def csp_nonce() -> str:
    """The nonce of this response's inline scripts (the same for every one of them); kept
    in the request's environ, as ``g`` outlives a request where an app context was open."""
    return request.environ.setdefault(CSP_NONCE_KEY, secrets.token_urlsafe(16))


def security_headers(
    path: str, secure: bool, config: Mapping[str, Any], nonce: str = ""
) -> list[tuple]:
    """The hardening headers of a response to ``path`` (HSTS over HTTPS or FORCE_HTTPS);
    a back office page's policy allows the inline scripts that carry ``nonce``."""
    if path.startswith(BACK_OFFICE_PREFIX):
        policy = BACK_OFFICE_CSP.format(nonce=nonce)
        chosen = [*STATIC_HEADERS.items(), ("Content-Security-Policy", policy)]
    elif path.startswith(PAGE_PREFIXES):
        chosen = PAGE_HEADERS
    elif path.startswith(FORM_PREFIXES):
        chosen = FORM_HEADERS
    else:
        chosen = API_HEADERS
    if secure or config["FORCE_HTTPS"]:
        hsts = f"max-age={config['HSTS_SECONDS']}; includeSubDomains"
        return [*chosen, ("Strict-Transport-Security", hsts)]
    return chosen


def add_security_headers(response: Response) -> Response:
    headers, path = response.headers, request.path
    nonce = csp_nonce() if path.startswith(BACK_OFFICE_PREFIX) else ""
    chosen = security_headers(path, request.is_secure, current_app.config, nonce)
    names = {name.lower() for name, _ in headers}
    if names.isdisjoint(SECURITY_HEADER_NAMES):
        headers.extend(chosen)  # One append each, where an update would search them all.
    else:
        headers.update(chosen)
    # Tokens and profiles must not linger in shared caches; cacheable reads set their own.
    if path.startswith("/api/") and "cache-control" not in names:
        headers["Cache-Control"] = "no-store"
    return response


def register_security(app: Flask) -> None:
    app.json = BoundedJSONProvider(app)
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
