"""Drive one scenario with wrk and read its numbers back."""

import json
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.scenarios import Spec

SCRIPT = Path(__file__).with_name("request.lua")
MARKER = "BENCH_JSON "
WRK_THREADS = 2


@dataclass
class Result:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    status_errors: int
    socket_errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return self.status_errors + self.socket_errors


def _parse(output: str) -> Result:
    line = next(line for line in output.splitlines() if line.startswith(MARKER))
    raw = json.loads(line.removeprefix(MARKER))
    return Result(
        requests=raw["requests"],
        seconds=raw["duration_us"] / 1e6,
        p50_ms=raw["p50_us"] / 1000,
        p95_ms=raw["p95_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        status_errors=raw["status"],
        socket_errors=raw["connect"] + raw["read"] + raw["write"] + raw["timeout"],
    )


def run_wrk(base_url: str, specs: list[Spec], connections: int, seconds: int) -> Result:
    """``connections`` keep-alive connections for ``seconds``, cycling through ``specs``."""
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as spec_file:
        spec_file.write("\n".join(spec.line() for spec in specs) + "\n")
    try:
        completed = subprocess.run(
            [
                "wrk",
                f"-t{WRK_THREADS}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout=10s",
                f"-s{SCRIPT}",
                base_url,
                "--",
                spec_file.name,
                str(WRK_THREADS),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        Path(spec_file.name).unlink()
    return _parse(completed.stdout)
