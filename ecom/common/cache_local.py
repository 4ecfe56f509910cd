"""This process's copies of cached answers, served with no Redis command while Redis says
that nothing they were made from has changed (``ecom.common.cache_hits`` reads through it).

A copy is an entry (body and ETag) kept with the generations it was made under and the
moment Redis's own entry expires (its TTL, read with it). It is served while those
generations are the ones this process trusts and that moment has not come, so a copy never
outlives Redis's entry: stock shown lags by at most ``STOCK_CACHE_SECONDS``, as before.

The trust comes from Redis. A connection of the process's own turns on client tracking in
broadcast mode for the generation keys (``CLIENT TRACKING ON BCAST PREFIX
<prefix>generation:``, RESP3): Redis pushes a message on it whenever any client, in any
process or instance, writes one of them (an invalidation) or flushes a database. Before
each answer the pushes that arrived are read (a poll of the socket, no round trip), and any
push forgets every trusted generation: the next lookup reads Redis and trusts the new ones.
Redis queues the push while it runs the write, before the writer's reply, so a request
that starts after an ``invalidate`` returned is not answered from an older copy (but for
the push's transit, well under a millisecond on one host).

A connection can also die without a word (a network partition): every
``CACHE_LOCAL_CHECK_SECONDS`` a PING on it proves it alive and reads every push sent before
it, so copies are served at most that long, plus the socket timeout, after Redis stopped
reaching this process. Anything amiss (the connection refused or broken, the app's Redis
client replaced, a forked process) forgets the trusted generations and stops local answers
until a connection tracks again (tried once per check interval): lookups read Redis as
they would without copies, and a read that fails leaves the request to Flask.
"""

import contextlib
import math
import os
import select
import threading
import time
from collections import OrderedDict
from typing import Any

import redis
from flask_caching.backends import RedisCache
from redis.backoff import NoBackoff
from redis.retry import Retry

from ecom.common.cache import GENERATION_PREFIX, current_entry, lookup, lookup_keys

# (generations, (body, ETag), monotonic time at which Redis's entry expires)
Copy = tuple[tuple, tuple, float]


class LocalCopies:
    """Up to ``max_entries`` copies, least recently served dropped first."""

    def __init__(self, max_entries: int, check_seconds: float) -> None:
        self.max_entries = max_entries
        self.check_seconds = check_seconds
        self._lock = threading.Lock()
        self._copies: OrderedDict[str, Copy] = OrderedDict()
        # Family → its generation, as Redis last said, until a push says otherwise.
        self._trusted: dict[str, str] = {}
        # How many times the trusted generations were forgotten: a read that started
        # before a push may not be trusted after it.
        self._forgotten = 0
        self._connection: redis.Connection | None = None
        self._incoming = select.poll()
        # The (process, client) the connection was made for.
        self._owner: tuple[int, redis.Redis] | None = None
        self._checked_at = 0.0
        self._next_attempt = 0.0

    def lookup(
        self, client: redis.Redis, backend: RedisCache, families: tuple[str, ...], key: str
    ) -> tuple[tuple | None, Any]:
        """``ecom.common.cache.lookup``'s answer, from a copy when one is current; else
        read from Redis with the entry's TTL and kept. Raises ``redis.RedisError``."""
        with self._lock:
            tracking = self._track(client, backend.key_prefix + GENERATION_PREFIX)
            forgotten = self._forgotten
            if tracking:
                copy = self._current_copy(families, key)
                if copy is not None:
                    return copy
        if not tracking:
            return lookup(backend.get_many, families, key)
        started = time.monotonic()
        generations, entry, ttl_ms = _read_with_ttl(client, backend, families, key)
        # PTTL: -1 for an entry that never expires, -2 for none.
        expires_at = math.inf if ttl_ms == -1 else started + ttl_ms / 1000
        if generations is not None:
            with self._lock:
                if self._forgotten == forgotten:
                    self._keep(families, generations, key, entry, expires_at)
        return generations, entry

    def _current_copy(self, families: tuple[str, ...], key: str) -> tuple[tuple, tuple] | None:
        copy = self._copies.get(key)
        if copy is None:
            return None
        generations, entry, expires_at = copy
        if generations != tuple(self._trusted.get(f) for f in families):
            return None
        if expires_at <= time.monotonic():
            del self._copies[key]
            return None
        self._copies.move_to_end(key)
        return generations, entry

    def _keep(
        self, families: tuple[str, ...], generations: tuple, key: str, entry: Any, expires_at: float
    ) -> None:
        self._trusted.update(zip(families, generations, strict=True))
        if entry is None or expires_at <= time.monotonic():
            return
        self._copies[key] = (generations, entry, expires_at)
        self._copies.move_to_end(key)
        while len(self._copies) > self.max_entries:
            self._copies.popitem(last=False)

    def _track(self, client: redis.Redis, prefix: str) -> bool:
        """Whether the tracking connection is up, after reading what Redis pushed on it."""
        owner = (os.getpid(), client)
        if self._owner != owner:
            self._drop()
            self._owner, self._next_attempt = owner, 0.0
        now = time.monotonic()
        if self._connection is None and not self._connect(client, prefix, now):
            return False
        try:
            if now - self._checked_at >= self.check_seconds:
                # Pushes first: redis-py reads an answer queued behind pushes by recursing
                # once per push, and thousands (a flush's) would exhaust the stack.
                self._read_pushes()
                self._connection.send_command("PING")
                self._connection.read_response()
                self._checked_at = now
                self._read_pushes()
            elif self._incoming.poll(0):
                self._read_pushes()
        except (redis.RedisError, OSError):
            self._drop()
            return False
        return True

    def _connect(self, client: redis.Redis, prefix: str, now: float) -> bool:
        if now < self._next_attempt:
            return False
        self._next_attempt = now + self.check_seconds
        pool = client.connection_pool
        # Never retried or reconnected behind this layer's back: pushes would be lost.
        options = dict(pool.connection_kwargs, protocol=3, retry=Retry(NoBackoff(), 0))
        connection = pool.connection_class(**options)
        try:
            connection.connect()
            # As redis-py's own client-side cache registers it (CacheProxyConnection).
            connection._parser.set_invalidation_push_handler(self._forget)
            connection.send_command("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", prefix)
            connection.read_response()
        except (redis.RedisError, OSError):
            connection.disconnect()
            return False
        self._connection, self._checked_at = connection, now
        # One system call per hit where redis-py's can_read() makes three.
        self._incoming = select.poll()
        self._incoming.register(connection._sock, select.POLLIN)
        return True

    def _read_pushes(self) -> None:
        """Read every push received, up to the parser's buffer: the socket's poll then
        tells of the next one."""
        while self._connection.can_read():
            self._connection.read_response(push_request=True)

    def _forget(self, _push: object = None) -> None:
        self._trusted.clear()
        self._forgotten += 1

    def _drop(self) -> None:
        self._forget()
        if self._connection is not None:
            with contextlib.suppress(redis.RedisError, OSError):
                self._connection.disconnect()
            self._connection = None


def _read_with_ttl(
    client: redis.Redis, backend: RedisCache, families: tuple[str, ...], key: str
) -> tuple[tuple | None, Any, int]:
    """``lookup``'s answer and the entry's TTL in milliseconds, as PTTL gives it."""
    names = [backend.key_prefix + name for name in lookup_keys(families, key)]
    # MULTI … EXEC: the entry and its TTL are read at one instant.
    with client.pipeline() as pipe:
        values, ttl_ms = pipe.mget(names).pttl(names[-1]).execute()
    generations, entry = current_entry([backend.serializer.loads(value) for value in values])
    return generations, entry, ttl_ms
