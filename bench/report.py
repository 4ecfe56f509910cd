"""The results: a table on stdout, and bench/results/<date>-<size>.md (+ .json) per size."""

import json
import os
import platform
import subprocess
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from bench.load import Result

RESULTS = Path(__file__).with_name("results")
COLUMNS = (
    "scenario",
    "cache",
    "conc",
    "req/s",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "errors",
    "SQL/req",
    "× hello",
)


@dataclass
class Row:
    scenario: str
    cache: str
    connections: int
    result: Result
    statements: int | None
    hello_rps: float

    def cells(self) -> list[str]:
        r = self.result
        errors = f"{r.status_errors}/{r.socket_errors}"
        statements = "-" if self.statements is None else str(self.statements)
        ratio = f"{r.rps / self.hello_rps:.2f}" if self.hello_rps else "-"
        return [
            self.scenario,
            self.cache,
            str(self.connections),
            f"{r.rps:.0f}",
            f"{r.p50_ms:.1f}",
            f"{r.p95_ms:.1f}",
            f"{r.p99_ms:.1f}",
            errors,
            statements,
            ratio,
        ]


def table(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def _wrk_version() -> str:
    """wrk prints its version in its usage text (and exits with 1)."""
    try:
        output = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout
    except OSError:
        return "unknown"
    return output.split("Copyright")[0].strip() or "unknown"


def machine_facts(postgres_version: str, redis_version: str, workers: int, threads: int) -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown",
    )
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "postgresql": postgres_version,
        "redis": redis_version,
        "gunicorn": version("gunicorn"),
        "flask": version("flask"),
        "sqlalchemy": version("sqlalchemy"),
        "wrk": _wrk_version(),
        "workers": f"{workers} gthread workers × {threads} threads",
        "load average at start": " ".join(f"{n:.2f}" for n in os.getloadavg()),
    }


def targets(rows: list[Row]) -> list[str]:
    """The issue's targets that one size can show (the 1M/10k ratio needs two sizes)."""

    def find(scenario: str, cache: str, connections: int) -> Row | None:
        return next(
            (
                r
                for r in rows
                if (r.scenario, r.cache, r.connections) == (scenario, cache, connections)
            ),
            None,
        )

    lines = []
    for cache in ("off", "on"):
        row = find("filtered department", cache, 50)
        if row:
            met = row.result.p99_ms < 50
            lines.append(
                f"- list with filters, cache {cache}, 50 concurrent: p99 "
                f"{row.result.p99_ms:.1f} ms (target < 50 ms): {'met' if met else 'NOT met'}"
            )
    for connections in (10, 50):
        row = find("checkout", "on", connections)
        if row:
            met = row.result.rps >= 200 and row.result.errors == 0
            lines.append(
                f"- checkout, {connections} concurrent: {row.result.rps:.0f} orders/s, "
                f"{row.result.errors} errors (target ≥ 200/s, none): {'met' if met else 'NOT met'}"
            )
        row = find("product list", "on", connections)
        if row and row.hello_rps:
            ratio = row.result.rps / row.hello_rps
            lines.append(
                f"- cached product list, {connections} concurrent: {ratio:.0%} of hello "
                f"(target ≥ 70%): {'met' if ratio >= 0.7 else 'NOT met'}"
            )
    return lines


def write(size: str, rows: list[Row], facts: dict, seconds: int) -> Path:
    RESULTS.mkdir(exist_ok=True)
    stem = RESULTS / f"{datetime.now(UTC):%Y-%m-%d}-{size}"
    facts_lines = [f"- {name}: {value}" for name, value in facts.items()]
    text = "\n".join(
        [
            f"# Benchmark, {size} products ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)",
            "",
            f"Each scenario ran {seconds} s under wrk (2 threads, keep-alive) at each concurrency.",
            "`errors` is non-2xx answers / socket errors (connect, read, write, timeout);",
            "`SQL/req` counts statements of one request in process, after a warm-up for reads;",
            "`× hello` is the throughput over the bare Flask app's at the same concurrency.",
            "",
            table(rows),
            "",
            "## Targets",
            "",
            *targets(rows),
            "",
            "## Machine",
            "",
            *facts_lines,
            "",
            "The machine was shared: other jobs (test suites, a browser) ran on the same two",
            "cores during the run, and wrk itself runs there too, so absolute numbers are noisy",
            "and low; ratios within one run are the more telling figures.",
            "",
        ]
    )
    stem.with_suffix(".md").write_text(text)
    raw = [{**asdict(row), "rps": row.result.rps} for row in rows]
    stem.with_suffix(".json").write_text(json.dumps({"facts": facts, "rows": raw}, indent=1))
    return stem.with_suffix(".md")
