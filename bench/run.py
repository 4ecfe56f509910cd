"""The load benchmark (``make bench``): fill PostgreSQL at each size, serve the shop under
Gunicorn's production settings, drive it with wrk, and write bench/results/. See README.md."""

import argparse
import contextlib
import os
import sys
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import redis  # noqa: E402
from flask import Flask  # noqa: E402
from sqlalchemy import text  # noqa: E402

from bench import dataset, goals, outbox_cost, report, scale, servers  # noqa: E402
from bench.load import run_wrk  # noqa: E402
from bench.mixed import checkouts  # noqa: E402
from bench.scenarios import (  # noqa: E402
    HELLO,
    Scenario,
    Spec,
    browse,
    ordered_scenarios,
    read_scenarios,
    write_scenarios,
)
from bench.sqlcount import statements_per_request  # noqa: E402
from config import ProductionConfig  # noqa: E402
from ecom import create_app  # noqa: E402
from ecom.extensions import db  # noqa: E402

APP_PORT = int(os.environ.get("BENCH_APP_PORT", "8801"))
MIXED = "mixed reads"
HELLO_PORT = int(os.environ.get("BENCH_HELLO_PORT", "8802"))
# Flushed at the start of each size.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")
# Not a secret: the benchmark's own databases, on loopback.
BENCH_SECRET = "bench-only-secret-" + "x" * 32
THREADS = 1
CHECKOUTS_PER_SECOND = 20


def server_env(size: str, *, cache: bool, workers: int, threads: int = THREADS) -> dict[str, str]:
    """Production settings, but plain HTTP on loopback and no rate limits."""
    return {
        "PATH": "/usr/bin:/bin",
        "APP_ENV": "production",
        "SECRET_KEY": BENCH_SECRET,
        "JWT_SECRET_KEY": BENCH_SECRET,
        "DUMMY_WEBHOOK_SECRET": "whsec_" + BENCH_SECRET[::-1],
        # Checkouts pay with the dummy provider, which production offers only to a demo.
        "DEMO_SHOP": "true",
        "DATABASE_URL": dataset.url_of(size),
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": f"ecom:bench-{size}:",
        "CACHE_ENABLED": "true" if cache else "false",
        "RATELIMIT_ENABLED": "false",
        # No TLS proxy in front: a redirect to HTTPS would answer every request.
        "SECURE_SSL_REDIRECT": "false",
        "WEB_CONCURRENCY": str(workers),
        "GUNICORN_THREADS": str(threads),
    }


def _warm(base: str, specs: list[Spec]) -> None:
    """One request per distinct read, so the measured seconds start warm."""
    for spec in specs:
        with urllib.request.urlopen(base + spec.path, timeout=30) as response:
            response.read()


class SizeRun:
    """Every scenario at one size, in one process and one set of servers."""

    def __init__(self, size: str, options: argparse.Namespace) -> None:
        self.size = size
        self.options = options
        shape = {"workers": options.workers, "threads": options.threads}
        self.env = server_env(size, cache=True, **shape)
        self.uncached_env = server_env(size, cache=False, **shape)
        self.app = create_app(ProductionConfig(self.env))
        self.uncached_app = create_app(ProductionConfig(self.uncached_env))
        self.rows: list[report.Row] = []
        self.checkouts: list[str] = []
        self.hello: dict[int, float] = {}
        self.oversold: int | None = None

    def measure(
        self,
        scenario: Scenario,
        base: str,
        cache: str,
        statements: int | None,
        during: Callable[[], contextlib.AbstractContextManager] = contextlib.nullcontext,
        concurrencies: list[int] | None = None,
    ) -> None:
        for connections in concurrencies or self.options.connections:
            specs = scenario.specs()
            if scenario.read:
                _warm(base, specs)
            with during():
                result = run_wrk(base, specs, connections, self.options.duration)
            if scenario is HELLO:
                self.hello[connections] = result.rps
            row = report.Row(
                scenario.name, cache, connections, result, statements, self.hello[connections]
            )
            self.rows.append(row)
            print(report.table([row]).splitlines()[-1], flush=True)

    def tokens_with_carts(self, users: list, lines: int) -> list[str]:
        """Tokens of ``users`` whose carts hold ``lines`` hot variants, and the bench's
        voucher when they hold any."""
        voucher = dataset.VOUCHER if lines else None
        dataset.refill_carts(self.app, users, self.fixtures.hot_variants, lines, voucher)
        return dataset.tokens(self.app, users)

    def run(self) -> Path:
        print(f"== {self.size}: {dataset.ensure_filled(self.size, self.env, self.app)}", flush=True)
        redis.Redis.from_url(REDIS_URL).flushdb()
        self.fixtures = dataset.prepare(self.app)
        with servers.gunicorn("bench.hello:app", HELLO_PORT, self.env, "/") as base:
            self.measure(HELLO, base, "-", None)
        reads = self.selected(read_scenarios(self.fixtures))
        writes = self.selected(
            write_scenarios(
                self.fixtures,
                checkout_tokens=lambda: self.tokens_with_carts(
                    self.fixtures.checkout_buyers, dataset.LINES_PER_CART
                ),
                cart_tokens=lambda: self.tokens_with_carts(self.fixtures.cart_buyers, 0),
            )
        )
        cached_reads = reads if "on" in self.options.cache else []
        uncached_reads = reads if "off" in self.options.cache else []
        with servers.gunicorn("wsgi:app", APP_PORT, self.env, "/health/live/") as base:
            for scenario in cached_reads:
                self.measure(scenario, base, "on", self.read_statements(scenario, self.app))
            for scenario in writes:
                self.measure(scenario, base, "on", self.write_statements(scenario))
                if scenario.name == "checkout":
                    self.oversold = dataset.oversold(self.app)
            if not self.options.only or MIXED in self.options.only:
                self.measure_mixed(base)
        # Goal 1 compares p50 at the lowest concurrency of 10k and 1M: the orderings run there.
        ordered = self.selected(ordered_scenarios(self.fixtures))
        if "off" not in self.options.cache or self.size not in goals.SCALE_SIZES:
            ordered = []
        if uncached_reads or ordered:
            with servers.gunicorn("wsgi:app", APP_PORT, self.uncached_env, "/health/live/") as base:
                for scenario in uncached_reads:
                    statements = self.read_statements(scenario, self.uncached_app)
                    self.measure(scenario, base, "off", statements)
                lowest = [min(self.options.connections)]
                for scenario in ordered:
                    statements = self.read_statements(scenario, self.uncached_app)
                    self.measure(scenario, base, "off", statements, concurrencies=lowest)
        name = "-".join(filter(None, (self.size, self.options.label)))
        alone = goals.table(goals.evaluate({self.size: self.rows}, self.oversold_by_size()))
        return report.write(name, self.rows, self.facts(), self.options.duration, alone)

    def oversold_by_size(self) -> dict[str, int]:
        return {} if self.oversold is None else {self.size: self.oversold}

    def measure_mixed(self, base: str) -> None:
        """Cached reads over many list URLs, alone and with checkouts at a steady rate."""
        reads = Scenario(MIXED, True, lambda: browse(self.fixtures))
        self.measure(reads, base, "on", None)
        tallies = []

        @contextlib.contextmanager
        def orders_flowing() -> Iterator[None]:
            buyers = self.fixtures.checkout_buyers
            tokens = self.tokens_with_carts(buyers, dataset.LINES_PER_CART)
            bodies = [self.fixtures.checkout_bodies[buyer.id] for buyer in buyers]
            with checkouts(base, tokens, bodies, CHECKOUTS_PER_SECOND) as tally:
                yield
            tallies.append(tally)

        flowing = Scenario(f"{MIXED} + {CHECKOUTS_PER_SECOND} checkouts/s", True, reads.specs)
        self.measure(flowing, base, "on", None, during=orders_flowing)
        self.checkouts = [f"{t.placed} placed, {t.failed} failed" for t in tallies]

    def selected(self, scenarios: list[Scenario]) -> list[Scenario]:
        only = self.options.only
        return [s for s in scenarios if not only or s.name in only]

    def read_statements(self, scenario: Scenario, app: Flask) -> int:
        return statements_per_request(app, scenario.specs()[0], warm=True)

    def write_statements(self, scenario: Scenario) -> int:
        """One request as a buyer kept apart from the load (a cart of its own)."""
        probe = self.fixtures.probe_buyer
        token = self.tokens_with_carts([probe], dataset.LINES_PER_CART)[0]
        spec = scenario.specs()[0]
        if spec.token:
            body = self.fixtures.checkout_bodies[probe.id] if scenario.name == "checkout" else None
            spec = Spec(spec.method, spec.path, token, body or spec.body)
        return statements_per_request(self.app, spec, warm=False)

    def facts(self) -> dict:
        with self.app.app_context():
            postgres = db.session.scalar(text("SHOW server_version"))
        redis_version = redis.Redis.from_url(REDIS_URL).info("server")["redis_version"]
        facts = report.machine_facts(
            postgres, redis_version, self.options.workers, self.options.threads
        )
        facts["search words"] = (
            f"common `{self.fixtures.common_word}`, rare `{self.fixtures.rare_word}`"
        )
        if self.checkouts:
            facts["checkouts during the mixed runs"] = "; ".join(self.checkouts)
        if self.oversold is not None:
            facts["variants with stock below zero after the checkouts"] = self.oversold
        facts["checkout"] = f"a shipping method of the buyer's zone, voucher `{dataset.VOUCHER}`"
        return facts


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10k,100k", help="comma list of 10k, 100k, 1m")
    parser.add_argument("--duration", type=int, default=10, help="seconds per scenario")
    parser.add_argument("--connections", default="10,50", help="comma list of concurrencies")
    parser.add_argument("--workers", type=int, default=servers.default_workers())
    parser.add_argument("--threads", type=int, default=THREADS, help="threads per worker")
    parser.add_argument("--only", default="", help="comma list of scenario names (and hello)")
    parser.add_argument("--label", default="", help="results/<date>-<size>-<label>.md")
    parser.add_argument(
        "--scale", action="store_true", help="one app instance vs two behind Nginx (scale.py)"
    )
    parser.add_argument(
        "--outbox",
        action="store_true",
        help="checkout with the outbox row vs without, interleaved (outbox_cost.py)",
    )
    parser.add_argument("--cache", default="on,off", help="read scenarios with the cache on, off")
    options = parser.parse_args(argv)
    options.sizes = options.sizes.split(",")
    unknown = set(options.sizes) - set(dataset.SIZES)
    if unknown:
        parser.error(f"unknown sizes: {', '.join(sorted(unknown))}")
    options.connections = [int(c) for c in options.connections.split(",")]
    options.only = [name for name in options.only.split(",") if name]
    return options


def main(argv: list[str]) -> None:
    options = parse(argv)
    rows: dict[str, list[report.Row]] = {}
    oversold: dict[str, int] = {}
    for size in options.sizes:
        size_run = SizeRun(size, options)
        if options.scale:
            path = scale.run(size_run)
        elif options.outbox:
            path = outbox_cost.run(size_run, APP_PORT)
        else:
            path = size_run.run()
            rows[size] = size_run.rows
            oversold.update(size_run.oversold_by_size())
        print(path.read_text(), flush=True)
    if rows:
        path = report.write_goals(rows, goals.evaluate(rows, oversold), options.label)
        print(path.read_text(), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
