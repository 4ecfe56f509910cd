"""Cached JSON reads with ETags, and per-family generations that invalidate them.

Decorate a GET view with ``@cached_response("products")`` (outermost, above the
``@blp`` decorators): the JSON body is kept under a key made of the path, the
normalised query string, the caller's visibility (public or staff) and the answer's
language (``ecom.common.i18n``: an English request never gets a French entry), with the
generation of each family named when it was made; one MGET reads the entry and the
current generations. ``invalidate("products")`` gives a family a new generation, so
every entry made before it is never served again; the domains' after-commit listeners
call it (``ecom.common.events``). A view whose
body is meant for its caller alone (e.g. a hidden review shown to its author) calls
``not_shared()`` and its response is neither stored nor given an ETag. Cache failures
(Redis down) are logged once per interval and the view answers from the database; an
invalidation that failed is retried before this process reads the cache again.
"""

import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator
from functools import wraps
from typing import Any
from urllib.parse import urlencode
from uuid import uuid4

import redis
from flask import Response, current_app, make_response, request
from werkzeug import Request

from ecom.common.i18n import current_language
from ecom.common.metrics import CACHE_LOOKUPS
from ecom.common.permissions import is_staff
from ecom.extensions import cache
from ecom.logging import outage_warnings

logger = logging.getLogger(__name__)

GENERATION_PREFIX = "generation:"
RESPONSE_PREFIX = "response:"
CACHE_DOWN = "Cache unavailable; answering from the database."
# Request-scoped (flask.g outlives a request when a test holds an app context).
NOT_SHARED_KEY = "ecom.response_not_shared"
# (families, key, generations) of a miss already read before Flask (ecom.common.cache_hits),
# generations None when that read failed: the cache is not tried twice per request.
MISSED_KEY = "ecom.cache_missed"

# Families whose invalidation failed while the cache was down, retried on the next read.
_pending: set[str] = set()
# Each view ``cached_response`` wraps (when outermost: the function a route calls) → the
# families it reads; ecom.common.cache_hits serves their hits before Flask.
cached_views: dict[Callable, tuple[str, ...]] = {}


def _generation(family: str) -> str:
    key = GENERATION_PREFIX + family
    value = cache.get(key)
    if value is None:
        cache.add(key, uuid4().hex, timeout=0)
        value = cache.get(key)
    return value


def _renew(families: set[str]) -> None:
    for family in sorted(families):
        cache.set(GENERATION_PREFIX + family, uuid4().hex, timeout=0)
        _pending.discard(family)


def invalidate(*families: str) -> None:
    """Make every cached read of these families stale; call after the write commits."""
    _pending.update(families)
    try:
        _renew(set(_pending))
    except redis.RedisError:
        outage_warnings.warn(logger, CACHE_DOWN)


def pending() -> bool:
    """Whether an invalidation that failed waits to be retried."""
    return bool(_pending)


def forget_pending() -> None:
    """Drop the invalidations waiting to be retried, as a fresh process would (tests)."""
    _pending.clear()


def _visibility() -> str:
    return "staff" if is_staff() else "public"


def _normalised(pairs: Iterable[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    """The query's pairs, with a sparse fieldset (``ecom.common.fieldsets``) in one order:
    it names a set, answered in the schema's order whatever its own."""
    for name, value in pairs:
        yield (name, ",".join(sorted(set(value.split(","))))) if name == "fields" else (name, value)


def entry_key(visibility: str, language: str, req: Request) -> str:
    """The entry for ``req`` (Flask's request, or Werkzeug's before Flask) answered in
    ``language``: visibility, scheme and host (the answer's links hold both), path and
    sorted query."""
    query = urlencode(sorted(_normalised(req.args.items(multi=True))))
    where = f"{req.scheme}://{req.host}{req.path}?{query}"
    digest = hashlib.sha256(f"{visibility}|{language}|{where}".encode()).hexdigest()
    return RESPONSE_PREFIX + digest


def response_key() -> str:
    """The entry for this request."""
    return entry_key(_visibility(), current_language(), request)


def cache_headers(etag: str, private: bool, compressed: bool, language: str) -> dict[str, str]:
    """What every answer from an entry carries, 200 or 304 (``compressed``: when the app
    compresses answers, which vary with the encodings a client accepts)."""
    vary = "Authorization, Accept-Encoding" if compressed else "Authorization"
    return {
        "ETag": f'"{etag}"',
        "Cache-Control": f"{'private' if private else 'public'}, max-age=0, must-revalidate",
        "Vary": f"{vary}, Accept-Language",
        "Content-Language": language,
    }


def _conditional(body: bytes, etag: str) -> Response:
    """The cached answer, or 304 when the caller holds its ETag."""
    headers = cache_headers(
        etag,
        private="Authorization" in request.headers,
        compressed=current_app.config["COMPRESS_RESPONSES"],
        language=current_language(),
    )
    if request.if_none_match.contains_weak(etag):
        return current_app.response_class(status=304, headers=headers)
    return current_app.response_class(body, mimetype="application/json", headers=headers)


def lookup(get_many: Callable, families: tuple[str, ...], key: str) -> tuple[tuple | None, Any]:
    """One read of the families' generations and the entry: (generations, the entry's
    body and ETag if made under them); generations None when a family has none yet."""
    return current_entry(get_many(*lookup_keys(families, key)))


def lookup_keys(families: tuple[str, ...], key: str) -> list[str]:
    """What ``lookup`` reads: the families' generations, then the entry."""
    return [*(GENERATION_PREFIX + f for f in families), key]


def current_entry(values: list) -> tuple[tuple | None, Any]:
    """``lookup``'s answer from the values of ``lookup_keys``."""
    *generations, entry = values
    if None in generations:
        return None, None
    generations = tuple(generations)
    if entry is None or entry[0] != generations:
        return generations, None
    return generations, entry[1:]


def _read(families: tuple[str, ...]) -> tuple[str | None, tuple, Any]:
    """The key, the families' current generations, and the entry if made under them."""
    try:
        if _pending:
            _renew(set(_pending))
        key = response_key()
        known = request.environ.pop(MISSED_KEY, None)
        if known is not None and known[:2] == (families, key):
            if known[2] is None:
                raise redis.RedisError("The read before Flask failed.")
            return key, known[2], None
        generations, entry = lookup(cache.get_many, families, key)
        if generations is None:
            generations = tuple(_generation(family) for family in families)
        return key, generations, entry
    except redis.RedisError:
        outage_warnings.warn(logger, CACHE_DOWN)
        return None, (), None


def get_or_none(key: str) -> Any:
    """``cache.get(key)``, or None while the cache is down."""
    try:
        return cache.get(key)
    except redis.RedisError:
        outage_warnings.warn(logger, CACHE_DOWN)
        return None


def set_if_up(key: str, value: Any, timeout: int | None = None) -> None:
    """``cache.set(key, value, timeout)``; nothing while the cache is down."""
    try:
        cache.set(key, value, timeout=timeout)
    except redis.RedisError:
        outage_warnings.warn(logger, CACHE_DOWN)


def generation_key(key: str, *families: str, localized: bool = False) -> str | None:
    """``key`` for a value derived from ``families``: an invalidation of any of them moves
    it to a new key; a ``localized`` value (text in the request's language) is kept once
    per language. None while the cache is down or turned off (``CACHE_ENABLED``)."""
    try:
        generations = [_generation(family) for family in families]
    except redis.RedisError:
        outage_warnings.warn(logger, CACHE_DOWN)
        return None
    if None in generations:
        return None
    return ":".join([key, *([current_language()] if localized else []), *generations])


def not_shared() -> None:
    """This request's response is for its caller alone: ``cached_response`` keeps it out."""
    request.environ[NOT_SHARED_KEY] = True


def cached_response(*families: str, timeout_setting: str | None = None) -> Callable:
    """Cache a GET view's 200 JSON body, with ETag and If-None-Match → 304; it is kept for
    ``CACHE_TTL`` seconds, or the config value named by ``timeout_setting`` (for data that
    changes without invalidating its family)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Response:
            key, generations, entry = _read(families)
            CACHE_LOOKUPS.labels("miss" if entry is None else "hit").inc()
            if entry is None:
                response = make_response(view(*args, **kwargs))
                if request.environ.get(NOT_SHARED_KEY):
                    response.cache_control.private = True
                    return response
                if response.status_code != 200 or not response.is_json:
                    return response
                body = response.get_data()
                entry = (body, hashlib.sha256(body).hexdigest()[:32])
                if key is not None:
                    timeout = current_app.config[timeout_setting] if timeout_setting else None
                    set_if_up(key, (generations, *entry), timeout=timeout)
            return _conditional(*entry)

        cached_views[wrapper] = families
        return wrapper

    return decorator
