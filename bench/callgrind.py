"""Instructions counted by callgrind inside a measured loop only: the loop runs under
``functools.reduce``, the only function callgrind collects in, so the figure is the same
on a loaded machine as on a quiet one."""

import math
import re
import subprocess
import tempfile
from pathlib import Path

# A C function the measured code never calls: ``counted_per_mark`` dumps after each call.
MARK = "math_gcd"


def _valgrind(out: Path, *options: str) -> list[str]:
    return [
        "valgrind",
        "--tool=callgrind",
        "--collect-atstart=no",
        "--toggle-collect=functools_reduce",
        *options,
        f"--callgrind-out-file={out}",
    ]


def _totals(dump: Path) -> int:
    return int(re.search(r"^totals: (\d+)", dump.read_text(), re.MULTILINE).group(1))


def counted(command: list[str]) -> tuple[str, int]:
    """Run ``command`` under callgrind: its standard output, and the instructions run
    inside ``functools.reduce``."""
    with tempfile.TemporaryDirectory() as workdir:
        out = Path(workdir) / "callgrind.out"
        valgrind = _valgrind(out)
        result = subprocess.run(valgrind + command, check=True, capture_output=True, text=True)
        total = _totals(out)
    return result.stdout, total


def mark() -> None:
    """Where ``counted_per_mark`` cuts the count (nothing outside callgrind)."""
    math.gcd(1, 1)


def counted_per_mark(command: list[str]) -> tuple[str, list[int]]:
    """Run ``command`` under callgrind: its standard output, and the instructions run
    inside ``functools.reduce`` between each ``mark()`` and the one before it."""
    with tempfile.TemporaryDirectory() as workdir:
        out = Path(workdir) / "callgrind.out"
        valgrind = _valgrind(out, f"--dump-after={MARK}")
        result = subprocess.run(valgrind + command, check=True, capture_output=True, text=True)
        dumps = sorted(Path(workdir).glob("callgrind.out.*"), key=lambda p: int(p.suffix[1:]))
        totals = [_totals(dump) for dump in dumps]
    return result.stdout, totals
