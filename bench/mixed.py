"""Checkouts at a steady rate in the background of a read run (the "orders flowing" run)."""

import contextlib
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

ORDERS = "/api/v1/orders/"
SENDERS = 4


@dataclass
class Tally:
    placed: int = 0
    failed: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, ok: bool) -> None:
        with self.lock:
            if ok:
                self.placed += 1
            else:
                self.failed += 1


def _checkout(base: str, token: str, body: dict, tally: Tally) -> None:
    request = urllib.request.Request(
        base + ORDERS,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            tally.count(response.status == 201)
    except (urllib.error.URLError, OSError):
        tally.count(False)


@contextlib.contextmanager
def checkouts(
    base: str, tokens: list[str], bodies: list[dict], per_second: float
) -> Iterator[Tally]:
    """Place one order per token, ``per_second`` of them, until the block ends."""
    tally, stop = Tally(), threading.Event()

    def pace() -> None:
        with ThreadPoolExecutor(SENDERS) as pool:
            start = time.monotonic()
            for n, token in enumerate(tokens):
                if stop.wait(max(0.0, start + n / per_second - time.monotonic())):
                    return
                pool.submit(_checkout, base, token, bodies[n], tally)

    pacer = threading.Thread(target=pace, daemon=True)
    pacer.start()
    try:
        yield tally
    finally:
        stop.set()
        pacer.join()
