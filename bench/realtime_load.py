"""Live updates under load: idle Socket.IO connections to one real-time process (the
shipped Gunicorn settings with ``ECOM_SERVICE=realtime``) while events are published at a
steady rate, each to one connected customer, a few staff connections hearing them all.

Prints, and writes to ``results/<date>-realtime.md``: the process's memory before and
after the connections opened (per connection), and the latency from publish to receipt
(p50, p99, max), with the events lost. Events are added to the Redis stream directly, as
the outbox job does: the figure is the real-time process's share (reading the stream,
checking each connection's token, sending). Needs PostgreSQL (``BENCH_POSTGRES``) and
Redis (``BENCH_REDIS_URL``, flushed).

``.venv/bin/python bench/realtime_load.py [--connections 1000] [--rate 100] [--seconds 20]``
"""

import argparse
import asyncio
import random
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import redis  # noqa: E402
import socketio  # noqa: E402
from sqlalchemy import text  # noqa: E402

from bench import dataset, servers  # noqa: E402
from bench.run import REDIS_URL, server_env  # noqa: E402
from config import ProductionConfig  # noqa: E402
from ecom import create_app  # noqa: E402
from ecom.accounts.models import User  # noqa: E402
from ecom.extensions import db  # noqa: E402
from ecom.realtime.stream import RedisStream  # noqa: E402
from scripts.databases import create_postgres_database  # noqa: E402

PORT = 8803
DATABASE = "realtime"
STAFF_CONNECTIONS = 5
# How long the last events may take to arrive before they count as lost.
DRAIN_SECONDS = 15
RESULTS = Path(__file__).parent / "results"


def prepare(customers: int) -> tuple[dict[str, str], list[tuple[int, str]], str]:
    """The database with ``customers`` customers and one staff member; their tokens."""
    env = {**server_env(DATABASE, cache=False, workers=1), "DATABASE_URL": dataset.url_of(DATABASE)}
    create_postgres_database(env["DATABASE_URL"])
    flask = str(Path(sys.executable).with_name("flask"))
    subprocess.run([flask, "db", "upgrade"], env={**env, "FLASK_APP": "wsgi:app"}, check=True)
    app = create_app(ProductionConfig(env))
    with app.app_context():
        # A fresh set of customers each run (their token families go with them).
        db.session.execute(text("TRUNCATE users RESTART IDENTITY CASCADE"))
        users = [
            User(email=f"live{n}@example.com", username=f"live{n}", password_hash="-", role=role)
            for n, role in enumerate(["staff"] + ["customer"] * customers)
        ]
        db.session.add_all(users)
        db.session.commit()
        ids = [user.id for user in users]
    staff_token, *tokens = dataset.tokens(app, users)
    return env, list(zip(ids[1:], tokens, strict=True)), staff_token


def rss_kb(port: int) -> int:
    """The resident memory of the Gunicorn worker serving ``port`` (the master's child)."""
    master = next(p for p in Path("/proc").iterdir() if _serves(p, port))
    worker = (master / "task" / master.name / "children").read_text().split()[0]
    status = Path(f"/proc/{worker}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[1])


def _serves(process: Path, port: int) -> bool:
    """A Gunicorn master started with this port in its environment."""
    try:
        environ = (process / "environ").read_bytes().split(b"\0")
        command = (process / "cmdline").read_bytes()
    except OSError:
        return False
    bind = f"GUNICORN_BIND={servers.HOST}:{port}".encode()
    return b"gunicorn" in command and bind in environ and b"-c" in command.split(b"\0")


async def connect(base: str, token: str, heard: list) -> socketio.AsyncClient:
    client = socketio.AsyncClient(reconnection=False)
    client.on("event", lambda message: heard.append((time.time(), message["data"])))
    await client.connect(base, auth={"token": token}, transports=["websocket"], wait_timeout=30)
    return client


async def run(base: str, customers: list, staff_token: str, rate: int, seconds: int) -> dict:
    heard: list = []
    gate = asyncio.Semaphore(50)

    async def one(token: str) -> socketio.AsyncClient:
        async with gate:
            return await connect(base, token, heard)

    before = rss_kb(PORT)
    clients = await asyncio.gather(*(one(token) for _, token in customers))
    clients += [await connect(base, staff_token, []) for _ in range(STAFF_CONNECTIONS)]
    await asyncio.sleep(2)
    after = rss_kb(PORT)
    stream = RedisStream(REDIS_URL, 300)
    sent = 0
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        user_id, _ = random.choice(customers)
        hint = {"event": "bench.ping", "event_id": str(sent), "occurred_at": "", "staff": True}
        stream.publish({**hint, "user_id": user_id, "data": {"sent_at": time.time()}})
        sent += 1
        await asyncio.sleep(max(0.0, started + sent / rate - time.monotonic()))
    drained = time.monotonic() + DRAIN_SECONDS
    while len(heard) < sent and time.monotonic() < drained:
        await asyncio.sleep(0.1)
    await asyncio.gather(*(client.disconnect() for client in clients))
    latencies = sorted((received - data["sent_at"]) * 1000 for received, data in heard)
    return {"before": before, "after": after, "sent": sent, "latencies": latencies}


def report(connections: int, rate: int, seconds: int, measured: dict) -> str:
    latencies = measured["latencies"]
    per_connection = (measured["after"] - measured["before"]) / connections
    p = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0] * 99
    rows = [
        ("connections (customers + staff)", f"{connections} + {STAFF_CONNECTIONS}"),
        ("events published", f"{measured['sent']} ({rate}/s for {seconds} s)"),
        ("events received by their customer", f"{len(latencies)}"),
        ("worker RSS before / after connecting", f"{measured['before']} / {measured['after']} KB"),
        ("memory per connection", f"{per_connection:.1f} KB"),
        ("latency p50 / p99 / max", f"{p[49]:.1f} / {p[98]:.1f} / {latencies[-1]:.1f} ms"),
    ]
    return "\n".join(
        ["| Measure | Value |", "|---|---|", *(f"| {name} | {value} |" for name, value in rows)]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--rate", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=20)
    options = parser.parse_args()
    redis.Redis.from_url(REDIS_URL).flushdb()
    env, customers, staff_token = prepare(options.connections)
    env |= {"ECOM_SERVICE": "realtime", "REALTIME_CONNECTIONS": str(options.connections + 50)}
    with servers.gunicorn("wsgi:app", PORT, env, "/health/live/") as base:
        measured = asyncio.run(run(base, customers, staff_token, options.rate, options.seconds))
    table = report(options.connections, options.rate, options.seconds, measured)
    print(table)
    out = RESULTS / f"{date.today().isoformat()}-realtime.md"
    out.write_text(f"# Live updates under load ({date.today().isoformat()})\n\n{table}\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
