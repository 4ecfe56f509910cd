"""What one checkout costs the app, in process: no server, no network, no wrk.

``.venv/bin/python bench/checkout_cost.py [--checkouts 500] [--lines 2] [--size 10k]
[--callgrind]`` fills the carts of seeded customers the bench's own scenarios leave alone
(``--lines`` hot variants each, one unit), then sends ``POST /api/v1/orders/`` for each
straight to the WSGI callable of the shop with the bench's production settings (as
``bench/run.py`` serves it), and prints the SQL statements of one checkout and its cost:
CPU microseconds (best of 3 rounds, carts refilled between rounds), or with
``--callgrind`` the instructions counted inside the loop of checkouts only, the same on a
loaded machine as on a quiet one. It needs the bench database of ``--size``, seeded and
prepared by a ``bench/run.py`` run of that size.
"""

import argparse
import functools
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# As under gunicorn.conf.py: each request's metrics go to the multiprocess files.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="ecom-cost-"))

from flask import Flask  # noqa: E402
from sqlalchemy import event, select  # noqa: E402
from werkzeug.test import EnvironBuilder  # noqa: E402

from bench import callgrind  # noqa: E402

ORDERS = "/api/v1/orders/"
ROUNDS = 3
# Customers past those the bench's scenarios use (checkout, cart and login buyers).
FIRST_BUYER = 8000


def _app(size: str) -> Flask:
    from bench.run import server_env
    from config import ProductionConfig
    from ecom import create_app

    return create_app(ProductionConfig(server_env(size, cache=True, workers=1)))


def _buyers_and_variants(app: Flask, count: int) -> tuple[list, list[int]]:
    from bench.dataset import HOT_PRODUCTS
    from ecom.accounts.models import User
    from ecom.catalog.models import Product, ProductVariant
    from ecom.extensions import db

    with app.app_context():
        users = db.session.scalars(
            select(User)
            .where(User.role == "customer")
            .order_by(User.id)
            .offset(FIRST_BUYER)
            .limit(count)
        ).all()
        # The bench's hot variants: the first active variant of products with ample stock.
        variants = db.session.scalars(
            select(ProductVariant.id)
            .join(Product)
            .where(
                Product.is_active, ProductVariant.is_active, ProductVariant.stock_quantity > 1000
            )
            .order_by(ProductVariant.id)
            .limit(HOT_PRODUCTS)
        ).all()
        db.session.expunge_all()
    if len(users) < count:
        raise SystemExit(f"Only {len(users)} customers past the bench's own; ask for fewer.")
    if len(variants) < 2:
        raise SystemExit("No hot variants: run bench/run.py once at this size first.")
    return users, list(variants)


def _environs(tokens: list[str], bodies: list[dict]) -> list[dict]:
    return [
        EnvironBuilder(
            path=ORDERS,
            method="POST",
            json=body,
            headers={"Authorization": f"Bearer {token}"},
            base_url="http://127.0.0.1:8821",
        ).get_environ()
        for token, body in zip(tokens, bodies, strict=True)
    ]


def _checkout(app: Callable) -> Callable[[object, dict], None]:
    def start_response(status: str, headers: list, exc_info: object = None) -> None:
        if not status.startswith("201"):
            raise RuntimeError(f"checkout answered {status}")

    def one(_previous: object, environ: dict) -> None:
        body = app(environ, start_response)
        b"".join(body)
        if hasattr(body, "close"):
            body.close()

    return one


class Bench:
    """Buyers with full carts and the checkout request of each."""

    def __init__(self, size: str, checkouts: int, lines: int) -> None:
        from bench.dataset import checkout_bodies, ensure_voucher, tokens

        self.app = _app(size)
        self.lines = lines
        # One more buyer than checkouts: the first checkout is counted, not measured.
        self.users, self.variants = _buyers_and_variants(self.app, checkouts + 1)
        self.tokens = tokens(self.app, self.users)
        # As the bench's checkouts: a shipping method for the address, the voucher entered.
        with self.app.app_context():
            ensure_voucher()
            by_user = checkout_bodies(self.users)
        self.bodies = [by_user[user.id] for user in self.users]
        self.one = _checkout(self.app)

    def refill(self) -> list[dict]:
        from bench.dataset import VOUCHER, refill_carts

        refill_carts(self.app, self.users, self.variants, self.lines, VOUCHER)
        return _environs(self.tokens, self.bodies)

    def statements(self, environ: dict) -> int:
        from ecom.extensions import db

        seen: list[str] = []

        def record(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
            seen.append(statement)

        with self.app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            self.one(None, environ)
        finally:
            event.remove(engine, "before_cursor_execute", record)
        return len(seen)


def measured_loop(size: str, checkouts: int, lines: int, rounds: int) -> tuple[int, float]:
    """Statements of one checkout and CPU µs per checkout, best of ``rounds``; under
    callgrind, the loop it counts (``--toggle-collect=functools_reduce``)."""
    bench = Bench(size, checkouts, lines)
    best = float("inf")
    statements = 0
    for _ in range(rounds):
        first, *environs = bench.refill()
        statements = bench.statements(first)
        started = time.process_time()
        functools.reduce(bench.one, environs, None)
        best = min(best, time.process_time() - started)
    return statements, best / checkouts * 1e6


def _child(size: str, checkouts: int, lines: int, rounds: int) -> list[str]:
    return [
        sys.executable,
        __file__,
        "--loop",
        "--size",
        size,
        "--checkouts",
        str(checkouts),
        "--lines",
        str(lines),
        "--rounds",
        str(rounds),
    ]


def _parse(output: str) -> tuple[int, float]:
    statements, cost = output.split()
    return int(statements), float(cost)


def cpu_microseconds(size: str, checkouts: int, lines: int) -> tuple[int, float]:
    command = _child(size, checkouts, lines, ROUNDS)
    return _parse(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def instructions(size: str, checkouts: int, lines: int) -> tuple[int, float]:
    output, total = callgrind.counted(_child(size, checkouts, lines, 1))
    statements, _ = _parse(output)
    return statements, total / checkouts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--checkouts", type=int, default=500)
    parser.add_argument("--lines", default="2", help="comma list of lines per cart")
    parser.add_argument("--size", default="10k", help="the bench database (see bench/run.py)")
    parser.add_argument("--callgrind", action="store_true", help="count instructions")
    parser.add_argument("--loop", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=int, default=ROUNDS, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.loop:
        # The request log's lines are written, as on a server, but nowhere to be read.
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115
        statements, cost = measured_loop(
            options.size, options.checkouts, int(options.lines), options.rounds
        )
        print(statements, cost)
        return
    unit = "instructions" if options.callgrind else "CPU µs"
    measure = instructions if options.callgrind else cpu_microseconds
    print(f"| lines | SQL statements | {unit} per checkout |\n|---:|---:|---:|")
    for lines in options.lines.split(","):
        statements, cost = measure(options.size, options.checkouts, int(lines))
        print(f"| {lines} | {statements} | {cost:,.0f} |", flush=True)


if __name__ == "__main__":
    main()
