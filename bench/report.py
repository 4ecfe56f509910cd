"""The results: a table on stdout, and bench/results/<date>-<size>.md (+ .json) per size."""

import json
import os
import platform
import subprocess
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from bench import goals
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

    @property
    def rps(self) -> float:
        return self.result.rps

    @property
    def p50_ms(self) -> float:
        return self.result.p50_ms

    @property
    def errors(self) -> int:
        return self.result.errors

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


def write(size: str, rows: list[Row], facts: dict, seconds: int, goal_table: str = "") -> Path:
    """The size's results; ``goal_table`` is what this size alone shows of the goals."""
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
            *(["## Goals (this size alone)", "", goal_table, ""] if goal_table else []),
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


def write_goals(rows: dict[str, list[Row]], lines: list, label: str) -> Path:
    """The goal table of the whole run: results/<date>-goals-<sizes>[-<label>].md."""
    RESULTS.mkdir(exist_ok=True)
    sizes = ",".join(rows)
    name = "-".join(filter(None, (f"{datetime.now(UTC):%Y-%m-%d}-goals", *rows, label)))
    text = "\n".join(
        [
            f"# Goals of issue 29, sizes {sizes} ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)",
            "",
            "Each goal from the rows of this run alone (bench/goals.py says how each is read).",
            "",
            goals.table(lines),
            "",
        ]
    )
    path = RESULTS / f"{name}.md"
    path.write_text(text)
    return path
