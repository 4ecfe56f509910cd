"""What a 10 MB JSON body costs the request-body checks, in process, one request at a time.

``python bench/body_checks.py [--label before]`` sends each body to a route that exists
(the login, refused by its schema after the checks) and to one that does not, and prints
a Markdown table of the median time over ``--repeat`` requests. Run it on two checkouts
(``PYTHONPATH=<checkout>``) to compare; it needs no database or Redis.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from flask.testing import FlaskClient

sys.path.insert(0, os.environ.get("PYTHONPATH", str(Path(__file__).resolve().parent.parent)))

from config import TestingConfig  # noqa: E402
from ecom import create_app  # noqa: E402

SIZE = 10 * 1024 * 1024 - 64
ROUTES = {"login": "/api/v1/auth/jwt/create/", "unknown route": "/api/v1/nowhere/"}


def bodies() -> dict[str, bytes]:
    """10 MB bodies: ordinary data, escapes the byte scans look for, and a nesting attack."""
    items = SIZE // 2
    return {
        "flat array of numbers": b"[" + b"1," * (items - 1) + b"1]",
        "object with one long string": b'{"email": "a@example.com", "pad": "'
        + b"x" * (SIZE - 40)
        + b'"}',
        "strings with escapes": b'["' + b"\\u00e9\\n" * (SIZE // 8) + b'"]',
        "many small arrays": b"[" + b"[1]," * (SIZE // 4 - 1) + b"1]",
        "nested arrays (attack)": b"[" * SIZE,
    }


def median_seconds(client: FlaskClient, path: str, body: bytes, repeat: int) -> tuple[float, int]:
    timings, status = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        status = client.post(path, data=body, content_type="application/json").status_code
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    env = {**os.environ, "RATELIMIT_ENABLED": "false", "REQUEST_LOG": "false"}
    env["TEST_DATABASE_URL"] = "sqlite://"
    env.pop("TEST_REDIS_URL", None)
    app = create_app(TestingConfig(env))
    client = app.test_client()
    print(f"| body (10 MB) | route | status | median s {args.label} |")
    print("| --- | --- | --- | --- |")
    for name, body in bodies().items():
        for route, path in ROUTES.items():
            seconds, status = median_seconds(client, path, body, args.repeat)
            print(f"| {name} | {route} | {status} | {seconds:.3f} |")


if __name__ == "__main__":
    main()
