"""A/B of Gunicorn worker settings on one URL, interleaved rounds (docs/PERFORMANCE.md,
"Gunicorn"): ``python bench/gunicorn_ab.py bench.hello:app / 1m sync-2,gthread-3x2``."""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import run, servers  # noqa: E402
from bench.load import run_wrk  # noqa: E402
from bench.scenarios import Spec  # noqa: E402

PORT = int(os.environ.get("BENCH_AB_PORT", "8871"))
SECONDS = 8


def settings(name: str) -> dict[str, str]:
    """``sync-2`` or ``gthread-3x2``: the class, then workers (× threads)."""
    worker_class, shape = name.split("-")
    workers, _, threads = shape.partition("x")
    return {
        "GUNICORN_WORKER_CLASS": worker_class,
        "WEB_CONCURRENCY": workers,
        "GUNICORN_THREADS": threads or "1",
    }


def main(app: str, path: str, size: str, names: list[str], rounds: int = 2) -> None:
    env = run.server_env(size, cache=True, workers=2)
    for round_ in range(rounds):
        for name in names if round_ % 2 == 0 else names[::-1]:
            with servers.gunicorn(app, PORT, {**env, **settings(name)}, path) as base:
                run_wrk(base, [Spec("GET", path)], 16, 2)
                for connections in (16, 50):
                    result = run_wrk(base, [Spec("GET", path)], connections, SECONDS)
                    line = {
                        "config": name,
                        "conc": connections,
                        "rps": round(result.rps),
                        "p50": round(result.p50_ms, 1),
                        "p99": round(result.p99_ms, 1),
                        "round": round_,
                    }
                    print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(","))
