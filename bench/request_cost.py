"""What one request costs the app, in process: no server, no network, no wrk.

``.venv/bin/python bench/request_cost.py [--requests 2000] [--size 10k] [--callgrind [--together]]``
sends GETs many times straight to the WSGI callable of bench/hello.py and of the shop
(``wsgi:app``'s production settings as ``bench/run.py`` serves them: Redis, the JSON
request log, Prometheus' multiprocess files) and prints the cost per request of hello, a
cached product list, a cached product detail, the liveness probe, and every read scenario
of the bench with the cache off (``uncached <scenario>``: its URLs in turn, drawn from
the bench database as ``bench/run.py`` draws them).

``--limits`` turns the rate limits on, as production has them (the bench has them off).
Without ``--callgrind`` it is CPU microseconds (best of 5 rounds), which a busy machine
blurs. With it, the script runs itself under ``valgrind --tool=callgrind`` once per
target and counts instructions inside the measured loop only (``functools.reduce`` is
the loop, and the only place callgrind collects): the same figure on a loaded machine as
on a quiet one. ``--together`` runs every target in one process under callgrind, each
loop counted on its own between two marks (``callgrind.mark``): the apps' start-up under
valgrind, most of a target's time, is paid once.
"""

import argparse
import functools
import io
import json
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

from werkzeug.test import EnvironBuilder  # noqa: E402

from bench import callgrind  # noqa: E402

API = "/api/v1"
TARGETS = {
    "hello": ("hello", "/"),
    "cached list": ("shop", f"{API}/products/"),
    "cached detail": ("shop", f"{API}/products/{{product_id}}/"),
    "liveness": ("shop", "/health/live/"),
}
ROUNDS = 5
UNCACHED = "uncached "
WARM_UP = 20


@functools.cache
def _wsgi_app(kind: str, size: str, limits: bool) -> Callable:
    """The app of ``kind``, built once per process (several targets share it)."""
    if kind == "hello":
        from bench.hello import app

        return app
    from sqlalchemy import select

    from bench.run import server_env
    from config import ProductionConfig
    from ecom import create_app
    from ecom.catalog.models import Product
    from ecom.extensions import db

    env = server_env(size, cache=kind != "uncached", workers=1)
    # The bench serves without rate limits; production has them on (a Redis hit each),
    # here high enough for the loop never to reach them.
    env["RATELIMIT_ENABLED"] = "true" if limits else "false"
    env["RATELIMIT_READS"] = "100000000/hour"
    app = create_app(ProductionConfig(env))
    with app.app_context():
        first = select(Product.id).where(Product.is_active).order_by(Product.id).limit(1)
        app.config["BENCH_PRODUCT_ID"] = db.session.scalar(first)
    return app


def _environ(path: str) -> dict:
    return EnvironBuilder(path=path, base_url="http://127.0.0.1:8821").get_environ()


def _requester(app: Callable, paths: list[str]) -> Callable[[object, int], None]:
    """One request of ``paths`` in turn (the n-th call sends path n modulo their number)."""
    templates = [(path, _environ(path)) for path in paths]

    def one(_previous: object, n: int) -> None:
        path, template = templates[n % len(templates)]

        def start_response(status: str, headers: list, exc_info: object = None) -> None:
            if not status.startswith(("200", "304")):
                raise RuntimeError(f"{path} answered {status}")

        environ = dict(template, **{"wsgi.input": io.BytesIO(b"")})
        body = app(environ, start_response)
        b"".join(body)
        if hasattr(body, "close"):
            body.close()

    return one


def scenario_paths(size: str) -> dict[str, list[str]]:
    """Each read scenario's URLs, drawn from the bench database as ``bench/run.py`` does."""
    from bench import dataset
    from bench.run import server_env
    from bench.scenarios import read_scenarios
    from config import ProductionConfig
    from ecom import create_app

    app = create_app(ProductionConfig(server_env(size, cache=False, workers=1)))
    fixtures = dataset.prepare(app)
    return {
        UNCACHED + scenario.name: [spec.path for spec in scenario.specs()]
        for scenario in read_scenarios(fixtures)
    }


def prepare(target: str, size: str, limits: bool) -> Callable[[object, int], None]:
    """The target's app and its requests, each sent a few times to warm the cache."""
    if target.startswith(UNCACHED):
        kind, paths = "uncached", _paths_of()[target]
    else:
        kind, path = TARGETS[target]
        paths = [path]
    app = _wsgi_app(kind, size, limits)
    if "{product_id}" in paths[0]:
        paths = [paths[0].format(product_id=app.config["BENCH_PRODUCT_ID"])]
    one = _requester(app, paths)
    # A plain loop: callgrind counts only inside ``functools.reduce``.
    for n in range(WARM_UP):
        one(None, n)
    return one


def measured_loop(target: str, size: str, requests: int, rounds: int, limits: bool) -> float:
    """CPU µs per request, best of ``rounds``; under callgrind, the loop it counts
    (``--toggle-collect=functools_reduce``)."""
    one = prepare(target, size, limits)
    best = float("inf")
    for _ in range(rounds):
        callgrind.mark()
        started = time.process_time()
        functools.reduce(one, range(requests), None)
        best = min(best, time.process_time() - started)
        callgrind.mark()
    return best / requests * 1e6


def _paths_of() -> dict[str, list[str]]:
    return json.loads(os.environ.get("BENCH_COST_SCENARIOS", "{}"))


def _child(target: str, size: str, requests: int, rounds: int, limits: bool) -> list[str]:
    """The command that measures ``target`` (a comma list of them) in a process of its own
    (scenarios' URLs in ``BENCH_COST_SCENARIOS``)."""
    return [
        sys.executable,
        __file__,
        *(["--limits"] if limits else []),
        "--loop",
        target,
        "--size",
        size,
        "--requests",
        str(requests),
        "--rounds",
        str(rounds),
    ]


def cpu_microseconds(target: str, size: str, requests: int, limits: bool) -> float:
    """CPU µs per request, in a process of its own."""
    command = _child(target, size, requests, ROUNDS, limits)
    return float(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def instructions(target: str, size: str, requests: int, limits: bool) -> float:
    """Instructions per request, counted by callgrind in a process of its own."""
    _, total = callgrind.counted(_child(target, size, requests, 1, limits))
    return total / requests


def instructions_together(targets: list[str], size: str, requests: int, limits: bool) -> list:
    """Instructions per request of each target, counted by callgrind in one process: the
    apps are built once, and each loop counted on its own (between its two marks)."""
    _, totals = callgrind.counted_per_mark(_child(",".join(targets), size, requests, 1, limits))
    if len(totals) != 2 * len(targets):
        raise RuntimeError(f"{len(totals)} counts for {len(targets)} targets: a stray mark")
    return [total / requests for total in totals[1::2]]


def _any_uncached(targets: list[str]) -> bool:
    return any(target.startswith(UNCACHED) for target in targets)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--size", default="10k", help="the bench database (see bench/run.py)")
    parser.add_argument(
        "--only", default="", help="comma list of targets (default: all, scenarios included)"
    )
    parser.add_argument("--callgrind", action="store_true", help="count instructions")
    parser.add_argument("--limits", action="store_true", help="rate limits on, as in production")
    parser.add_argument(
        "--together",
        action="store_true",
        help="with --callgrind: every target in one process, its start-up paid once",
    )
    parser.add_argument("--loop", help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=int, default=ROUNDS, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.loop:
        # The request log's lines are written, as on a server, but nowhere to be read.
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115
        for target in options.loop.split(","):
            cost = measured_loop(
                target, options.size, options.requests, options.rounds, options.limits
            )
            print(cost)
        return
    targets = options.only.split(",") if options.only else []
    paths = scenario_paths(options.size) if not targets or _any_uncached(targets) else {}
    targets = targets or [*TARGETS, *paths]
    os.environ["BENCH_COST_SCENARIOS"] = json.dumps(paths)
    unit = "instructions" if options.callgrind else "CPU µs"
    print(f"| request | {unit} per request | ÷ hello |\n|---|---:|---:|")
    measure = instructions if options.callgrind else cpu_microseconds
    if options.callgrind and options.together:
        costs = instructions_together(targets, options.size, options.requests, options.limits)
    else:
        costs = [
            measure(target, options.size, options.requests, options.limits) for target in targets
        ]
    hello = None
    for target, cost in zip(targets, costs, strict=True):
        hello = cost if target == "hello" else hello
        ratio = f"{cost / hello:.2f}" if hello else "-"
        print(f"| {target} | {cost:,.0f} | {ratio} |", flush=True)


if __name__ == "__main__":
    main()
