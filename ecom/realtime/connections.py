"""The clients connected to this process: who each is, what it has been sent, and whether
its credentials still hold."""

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ecom.realtime.stream import id_key


@dataclass
class Connection:
    sid: str
    user_id: int
    is_staff: bool
    # True while the token (or back-office session) the client connected with still holds.
    still_valid: Callable[[], bool]
    last_id: str = "0-0"
    lock: threading.Lock = field(default_factory=threading.Lock)

    def hears(self, hint: dict[str, Any]) -> bool:
        """The customer an event names, and staff when staff hear of it."""
        return hint["user_id"] == self.user_id or (hint["staff"] and self.is_staff)

    def unseen(self, entry_id: str) -> bool:
        return id_key(entry_id) > id_key(self.last_id)


class Connections:
    def __init__(self) -> None:
        self._by_sid: dict[str, Connection] = {}
        self._lock = threading.Lock()

    def add(self, connection: Connection) -> None:
        with self._lock:
            self._by_sid[connection.sid] = connection

    def remove(self, sid: str) -> None:
        with self._lock:
            self._by_sid.pop(sid, None)

    def all(self) -> list[Connection]:
        with self._lock:
            return list(self._by_sid.values())

    def __len__(self) -> int:
        return len(self._by_sid)
