"""CPU per request of the served app: Gunicorn (gunicorn.conf.py, as ``bench/run.py``
serves it) included, measured as the CPU time its processes spend over a wrk run.

``.venv/bin/python bench/server_cost.py [--size 10k] [--seconds 10] [--connections 10]``
serves bench/hello.py, then the shop, drives hello, the cached product list and a cached
product detail with wrk, and prints CPU µs per request of the server processes (user +
system, so the sockets' kernel work counts; Redis' and wrk's own CPU do not). On a
shared machine this moves far less than requests per second do: other jobs slow a
request down, but hardly change the CPU it takes. The ratio hello ÷ cached estimates the
throughput ratio of a quiet, CPU-bound box (where wrk takes its own equal share).
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402

from bench import dataset, servers  # noqa: E402
from bench.load import run_wrk  # noqa: E402
from bench.run import APP_PORT, HELLO_PORT, server_env  # noqa: E402
from bench.scenarios import API, Spec  # noqa: E402
from config import database_url  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def _tree(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [pid, *(p for child in children for p in _tree(int(child)))]


def _cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def _listener(port: int) -> int:
    """The Gunicorn master serving ``port`` (the oldest process named gunicorn on it)."""
    for entry in sorted(Path("/proc").iterdir(), key=lambda p: p.name):
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if any(b"gunicorn" in part for part in command[:2]) and (
            f"GUNICORN_BIND={servers.HOST}:{port}".encode() in environ
        ):
            return int(entry.name)
    raise RuntimeError(f"No Gunicorn serving port {port}.")


def _first_product(size: str) -> int:
    engine = create_engine(database_url(dataset.url_of(size)))
    with engine.connect() as conn:
        first = conn.scalar(text("SELECT min(id) FROM products WHERE is_active"))
    engine.dispose()
    return first


def cost(base: str, port: int, spec: Spec, options: argparse.Namespace) -> tuple[float, float]:
    """(CPU µs per request of the server, requests/s) over one wrk run."""
    run_wrk(base, [spec], options.connections, 2)  # Warm: every worker and the cache.
    pids = _tree(_listener(port))
    before = _cpu_seconds(pids)
    result = run_wrk(base, [spec], options.connections, options.seconds)
    spent = _cpu_seconds(pids) - before
    return spent / result.requests * 1e6, result.rps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="10k")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=10)
    options = parser.parse_args()
    env = server_env(options.size, cache=True, workers=servers.default_workers())
    print("| request | server CPU µs / request | req/s | hello ÷ this (CPU) |")
    print("|---|---:|---:|---:|")
    with servers.gunicorn("bench.hello:app", HELLO_PORT, env, "/") as base:
        hello, rps = cost(base, HELLO_PORT, Spec("GET", "/"), options)
    print(f"| hello | {hello:,.0f} | {rps:,.0f} | 1.00 |", flush=True)
    shop = {
        "cached list": f"{API}/products/",
        "cached detail": f"{API}/products/{_first_product(options.size)}/",
    }
    with servers.gunicorn("wsgi:app", APP_PORT, env, "/health/live/") as base:
        for name, path in shop.items():
            spent, rps = cost(base, APP_PORT, Spec("GET", path), options)
            print(f"| {name} | {spent:,.0f} | {rps:,.0f} | {hello / spent:.2f} |", flush=True)


if __name__ == "__main__":
    main()
