"""Cache hits answered before Flask: an anonymous GET whose answer ``cached_response``
holds is served from its entry at the WSGI layer, with no request context, hooks or view;
the entry is read from Redis, or from this process's copy (``ecom.common.cache_local``).
The entry is the one of the language Flask would answer in: ``?lang=`` and
``Accept-Language`` are read by the same rule (``ecom.common.i18n.choose_language``), and
the language is part of the entry's key, so copies are kept per language too.

A hit still does what every response does here: its request id (``X-Request-ID``), the
JSON request line, the request metrics and the cache's hit counter, the security headers,
and ``cached_response``'s ETag, 304 and Cache-Control. Flask answers, as before, whatever
a hit cannot settle here: a bearer token (it must be verified, and staff see other data),
rate limits turned on (every read counts against them), CORS, an HTTPS redirect to make,
a request body, Flask's ``SERVER_NAME`` or ``TRUSTED_HOSTS``, an answer to compress
(``COMPRESS_RESPONSES``, for a client that accepts an encoding), an invalidation to retry,
the cache down or turned off, and every miss (whose read it reuses).
"""

import time
from collections.abc import Callable, Iterable
from typing import Any

import redis
from flask import Flask
from werkzeug import Request
from werkzeug.exceptions import HTTPException
from werkzeug.http import parse_etags, remove_entity_headers

from ecom.common import cache as response_cache
from ecom.common.cache_local import LocalCopies
from ecom.common.i18n import LANG_PARAMETER, choose_language
from ecom.common.metrics import CACHE_LOOKUPS, observe_request
from ecom.common.security import security_headers
from ecom.extensions import cache
from ecom.logging import (
    ENVIRON_REQUEST_ID,
    ENVIRON_USER_ID,
    REQUEST_ID_HEADER,
    request_id_from,
    write_request_line,
)

# Settings under which every request goes through Flask (rate limits are on unless off).
FLASK_ONLY = ("SECURE_SSL_REDIRECT", "SERVER_NAME", "TRUSTED_HOSTS")
HIT = CACHE_LOOKUPS.labels("hit")


class CachedHits:
    """WSGI middleware in front of ``app``'s own ``wsgi_app``."""

    def __init__(self, app: Flask, wsgi_app: Callable, copies: LocalCopies | None) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.copies = copies
        # Endpoint → the families its cached GET reads (None: not cached).
        self._families: dict[str, tuple[str, ...] | None] = {}

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        started = time.perf_counter()
        if self._may_serve(environ):
            answer = self._hit(environ, started)
            if answer is not None:
                status, headers, body = answer
                start_response(status, headers)
                return [body]
        return self.wsgi_app(environ, start_response)

    def _may_serve(self, environ: dict) -> bool:
        config = self.app.config
        return (
            environ.get("REQUEST_METHOD") == "GET"
            and "HTTP_AUTHORIZATION" not in environ
            and environ.get("CONTENT_LENGTH") in (None, "", "0")
            and "HTTP_TRANSFER_ENCODING" not in environ
            and not (config["CORS_ALLOWED_ORIGINS"] and "HTTP_ORIGIN" in environ)
            and config["CACHE_ENABLED"]
            and not config.get("RATELIMIT_ENABLED", True)
            and not any(config.get(name) for name in FLASK_ONLY)
            and not response_cache.pending()
            and not (config["COMPRESS_RESPONSES"] and "HTTP_ACCEPT_ENCODING" in environ)
        )

    def _cached_families(self, endpoint: str) -> tuple[str, ...] | None:
        if endpoint not in self._families:
            view = self.app.view_functions.get(endpoint)
            get = getattr(getattr(view, "view_class", None), "get", view)
            self._families[endpoint] = response_cache.cached_views.get(get)
        return self._families[endpoint]

    def _hit(self, environ: dict, started: float) -> tuple[str, list, bytes] | None:
        adapter = self.app.url_map.bind_to_environ(
            environ, subdomain=self.app.url_map.default_subdomain or None
        )
        try:
            rule, _ = adapter.match(method="GET", return_rule=True)
        except HTTPException:
            return None
        families = self._cached_families(rule.endpoint)
        if families is None:
            return None
        req = Request(environ)
        language = choose_language(
            req.args.get(LANG_PARAMETER),
            environ.get("HTTP_ACCEPT_LANGUAGE"),
            self.app.config["LANGUAGES"],
        )
        if language is None:  # Flask refuses a language the shop does not speak.
            return None
        key = response_cache.entry_key("public", language, req)
        try:
            generations, entry = self._lookup(families, key)
        except redis.RedisError:  # The cache down: Flask answers, and says so.
            environ[response_cache.MISSED_KEY] = (families, key, None)
            return None
        if entry is None:
            if generations is not None:
                environ[response_cache.MISSED_KEY] = (families, key, generations)
            return None
        HIT.inc()
        return self._answer(environ, req, rule.rule, entry, language, started)

    def _lookup(self, families: tuple[str, ...], key: str) -> tuple[tuple | None, Any]:
        backend = self.app.extensions["cache"][cache]
        client = self.app.extensions.get("redis")
        if self.copies is None or client is None:
            return response_cache.lookup(backend.get_many, families, key)
        return self.copies.lookup(client, backend, families, key)

    def _answer(
        self, environ: dict, req: Request, route: str, entry: Any, language: str, started: float
    ) -> tuple[str, list, bytes]:
        body, etag = entry
        request_id = request_id_from(environ.get("HTTP_X_REQUEST_ID", ""))
        compressed = self.app.config["COMPRESS_RESPONSES"]
        headers = list(response_cache.cache_headers(etag, False, compressed, language).items())
        if parse_etags(environ.get("HTTP_IF_NONE_MATCH")).contains_weak(etag):
            code, body = 304, b""
            remove_entity_headers(headers)  # As Werkzeug does for Flask's 304 (Content-Language).
        else:
            code = 200
            headers[:0] = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        headers.append((REQUEST_ID_HEADER, request_id))
        headers.extend(security_headers(req.path, req.is_secure, self.app.config))
        environ[ENVIRON_REQUEST_ID] = request_id
        environ[ENVIRON_USER_ID] = None
        observe_request(route, "GET", code, time.perf_counter() - started)
        if self.app.config["REQUEST_LOG"]:
            fields = {
                "method": "GET",
                "path": req.path,
                "status": code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                "user_id": None,
                "client_ip": req.remote_addr,
            }
            write_request_line(request_id, fields)
        return ("200 OK" if code == 200 else "304 NOT MODIFIED"), headers, body


def register_cached_hits(app: Flask) -> None:
    """Serve cache hits in front of the app (inside ``ProxyFix``: register before it), from
    this process's copies when Redis is the cache and ``CACHE_LOCAL_ENTRIES`` allows some."""
    config = app.config
    copies = None
    if config["REDIS_URL"] and config["CACHE_LOCAL_ENTRIES"] > 0:
        copies = LocalCopies(config["CACHE_LOCAL_ENTRIES"], config["CACHE_LOCAL_CHECK_SECONDS"])
    app.wsgi_app = CachedHits(app, app.wsgi_app, copies)
