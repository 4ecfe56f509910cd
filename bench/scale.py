"""One app instance versus two behind Nginx, on the same data (``bench/run.py --scale``).

Each instance is Gunicorn with the production settings and ``--workers`` workers, the
way a second machine would run it; Nginx spreads the requests over the upstream. The
reads run with the response cache off, then on; checkout with it on.
"""

import contextlib
from pathlib import Path

import redis

from bench import dataset, report, servers
from bench.scenarios import Scenario, read_scenarios, write_scenarios

NGINX_PORT = 8810
FIRST_APP_PORT = 8811
INSTANCES = (1, 2)
READS = ("product list", "product detail")
WRITES = ("checkout",)


def _instances(count: int, env: dict[str, str]) -> contextlib.ExitStack:
    stack = contextlib.ExitStack()
    for n in range(count):
        stack.enter_context(servers.gunicorn("wsgi:app", FIRST_APP_PORT + n, env, "/health/live/"))
    return stack


def ratios(rows: list[report.Row]) -> list[str]:
    """Two instances' throughput over one's, per scenario and cache setting."""
    by_key = {(row.scenario, row.cache, row.connections): row.result.rps for row in rows}
    lines = []
    for (scenario, cache, connections), rps in by_key.items():
        name = scenario.removesuffix(", 1 instance")
        if name == scenario:
            continue
        two = by_key.get((f"{name}, 2 instances", cache, connections))
        if two and rps:
            lines.append(
                f"- {name}, cache {cache}, {connections} concurrent: "
                f"{rps:.0f} → {two:.0f} req/s, × {two / rps:.2f}"
            )
    return lines


def run(size_run) -> Path:  # noqa: ANN001  (bench.run.SizeRun, which imports this module)
    """Every scale scenario at ``size_run``'s size; the results file."""
    print(f"== {size_run.size}: {dataset.ensure_filled(size_run.size, size_run.env, size_run.app)}")
    redis.Redis.from_url(size_run.env["REDIS_URL"]).flushdb()
    size_run.fixtures = fixtures = dataset.prepare(size_run.app)
    size_run.hello = {connections: 0.0 for connections in size_run.options.connections}
    reads = [s for s in read_scenarios(fixtures) if s.name in READS]
    writes = [
        s
        for s in write_scenarios(
            fixtures,
            checkout_tokens=lambda: size_run.tokens_with_carts(
                fixtures.checkout_buyers, dataset.LINES_PER_CART
            ),
            cart_tokens=lambda: [],
        )
        if s.name in WRITES
    ]
    plan = [("off", size_run.uncached_env, reads), ("on", size_run.env, reads + writes)]
    for cache, env, scenarios in plan:
        for count in INSTANCES:
            label = f"{count} instance{'s' if count > 1 else ''}"
            with (
                _instances(count, env),
                servers.nginx([FIRST_APP_PORT + n for n in range(count)], NGINX_PORT) as base,
            ):
                for scenario in scenarios:
                    named = Scenario(
                        f"{scenario.name}, {label}", scenario.read, scenario.specs,
                        scenario.single_use,
                    )  # fmt: skip
                    size_run.measure(named, base, cache, None)
    name = "-".join(filter(None, (size_run.size, "scale", size_run.options.label)))
    path = report.write(name, size_run.rows, size_run.facts(), size_run.options.duration)
    with path.open("a") as out:
        out.write("\n## Two instances over one\n\n" + "\n".join(ratios(size_run.rows)) + "\n")
    return path
