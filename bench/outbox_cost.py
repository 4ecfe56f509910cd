"""Checkout with the order confirmation's outbox row against without it
(``bench/run.py --outbox``).

The same Gunicorn settings serve ``wsgi:app`` (with) and ``bench.no_outbox:app``
(without) in alternating rounds, with, without, with, without..., each on a fresh server
and freshly filled carts, so the machine's load falls on both alike. The job queue is
the production one (Celery on ``REDIS_URL``) but no worker runs: the figure is the
request's cost of the outbox, the row's insert and the task's publish after the commit,
not the e-mail's.
"""

from pathlib import Path

import redis

from bench import dataset, report, servers
from bench.scenarios import Scenario, write_scenarios

PAIRS = 3
WITH = "checkout, outbox row"
WITHOUT = "checkout, no outbox row"
APPS = ((WITH, "wsgi:app"), (WITHOUT, "bench.no_outbox:app"))


def ratios(rows: list[report.Row]) -> list[str]:
    """Per concurrency, the orders/s with the row over those without, over all rounds and
    per pair."""
    lines = []
    for connections in sorted({row.connections for row in rows}):

        def rates(name: str, connections: int = connections) -> list[float]:
            return [
                r.result.rps for r in rows if (r.scenario, r.connections) == (name, connections)
            ]

        with_row, without_row = rates(WITH), rates(WITHOUT)
        pairs = ", ".join(f"{a / b:.2f}" for a, b in zip(with_row, without_row, strict=True))
        total = sum(with_row) / sum(without_row)
        errors = sum(r.result.errors for r in rows if r.connections == connections)
        lines.append(
            f"- {connections} concurrent: {sum(with_row) / len(with_row):.0f} orders/s with "
            f"the row, {sum(without_row) / len(without_row):.0f} without: × {total:.2f} "
            f"(pairs: {pairs}; target ≥ 0.90: {'met' if total >= 0.9 else 'NOT met'}); "
            f"{errors} errors"
        )
    return lines


def run(size_run, port: int) -> Path:  # noqa: ANN001  (bench.run.SizeRun, which imports this)
    """The interleaved rounds at ``size_run``'s size, served on ``port``; the results file."""
    print(f"== {size_run.size}: {dataset.ensure_filled(size_run.size, size_run.env, size_run.app)}")
    redis.Redis.from_url(size_run.env["REDIS_URL"]).flushdb()
    size_run.fixtures = fixtures = dataset.prepare(size_run.app)
    size_run.hello = {connections: 0.0 for connections in size_run.options.connections}
    checkout = next(
        s
        for s in write_scenarios(
            fixtures,
            checkout_tokens=lambda: size_run.tokens_with_carts(
                fixtures.checkout_buyers, dataset.LINES_PER_CART
            ),
            cart_tokens=lambda: [],
        )
        if s.name == "checkout"
    )
    statements = size_run.write_statements(checkout)
    for _ in range(PAIRS):
        for name, app in APPS:
            with servers.gunicorn(app, port, size_run.env, "/health/live/") as base:
                named = Scenario(name, False, checkout.specs, single_use=True)
                size_run.measure(named, base, "on", statements if app == "wsgi:app" else None)
    facts = size_run.facts()
    facts["job queue"] = (
        "Celery, broker on REDIS_URL; no worker ran (the rows stayed pending, their tasks queued)"
    )
    name = "-".join(filter(None, (size_run.size, "checkout-outbox", size_run.options.label)))
    path = report.write(name, size_run.rows, facts, size_run.options.duration)
    with path.open("a") as out:
        out.write("\n## With the outbox row over without\n\n" + "\n".join(ratios(size_run.rows)))
        out.write("\n")
    return path
