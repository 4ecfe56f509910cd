"""The stream every real-time process reads: a Redis stream shared by all instances, or,
on the embedded default, one kept in this process.

Entries are ``(id, hint)``; ids increase (``<milliseconds>-<sequence>``, Redis's form), so
a client that knows the last id it saw can be given everything after it. Entries older
than ``REALTIME_REPLAY_SECONDS`` are dropped as new ones arrive.
"""

import json
import threading
import time
from collections import deque
from typing import Any, Protocol

import redis

KEY = "ecom:realtime"
Entry = tuple[str, dict[str, Any]]


def id_key(entry_id: str) -> tuple[int, int]:
    milliseconds, _, sequence = entry_id.partition("-")
    return int(milliseconds), int(sequence or 0)


class Stream(Protocol):
    def publish(self, hint: dict[str, Any]) -> str: ...

    def last_id(self) -> str: ...

    def oldest_id(self) -> str | None: ...

    def after(self, entry_id: str) -> list[Entry]:
        """Every entry after ``entry_id``, oldest first."""

    def wait(self, entry_id: str, timeout: float) -> list[Entry]:
        """The entries after ``entry_id``, waiting up to ``timeout`` seconds for one."""


class RedisStream:
    def __init__(self, url: str, replay_seconds: int) -> None:
        # Its own client: a blocking read must outlast the shop's short socket timeouts.
        self.client = redis.Redis.from_url(url, socket_timeout=30, decode_responses=True)
        self.replay_ms = replay_seconds * 1000

    def publish(self, hint: dict[str, Any]) -> str:
        oldest = int(time.time() * 1000) - self.replay_ms
        return self.client.xadd(KEY, {"hint": json.dumps(hint)}, minid=oldest, approximate=True)

    def last_id(self) -> str:
        newest = self.client.xrevrange(KEY, count=1)
        return newest[0][0] if newest else "0-0"

    def oldest_id(self) -> str | None:
        oldest = self.client.xrange(KEY, count=1)
        return oldest[0][0] if oldest else None

    def after(self, entry_id: str) -> list[Entry]:
        return _entries(self.client.xrange(KEY, min=f"({entry_id}"))

    def wait(self, entry_id: str, timeout: float) -> list[Entry]:
        found = self.client.xread({KEY: entry_id}, block=int(timeout * 1000))
        return _entries(found[0][1]) if found else []


def _entries(rows: list) -> list[Entry]:
    return [(entry_id, json.loads(fields["hint"])) for entry_id, fields in rows]


class LocalStream:
    """The same in one process (the embedded default: the app, its jobs and its sockets
    share it)."""

    def __init__(self, replay_seconds: int) -> None:
        self.replay_ms = replay_seconds * 1000
        self.entries: deque[Entry] = deque()
        self.arrived = threading.Condition()
        self.sequence = (0, 0)

    def publish(self, hint: dict[str, Any]) -> str:
        with self.arrived:
            now = int(time.time() * 1000)
            last_ms, last_sequence = self.sequence
            self.sequence = (now, 0) if now > last_ms else (last_ms, last_sequence + 1)
            entry_id = "{}-{}".format(*self.sequence)
            self.entries.append((entry_id, hint))
            while self.entries and id_key(self.entries[0][0])[0] < now - self.replay_ms:
                self.entries.popleft()
            self.arrived.notify_all()
            return entry_id

    def last_id(self) -> str:
        with self.arrived:
            return self.entries[-1][0] if self.entries else "0-0"

    def oldest_id(self) -> str | None:
        with self.arrived:
            return self.entries[0][0] if self.entries else None

    def after(self, entry_id: str) -> list[Entry]:
        with self.arrived:
            return [entry for entry in self.entries if id_key(entry[0]) > id_key(entry_id)]

    def wait(self, entry_id: str, timeout: float) -> list[Entry]:
        with self.arrived:
            self.arrived.wait_for(lambda: bool(self.after(entry_id)), timeout)
            return self.after(entry_id)
