"""Instructions counted by callgrind inside a measured loop only: the loop runs under
``functools.reduce``, the only function callgrind collects in, so the figure is the same
on a loaded machine as on a quiet one."""

import re
import subprocess
import tempfile
from pathlib import Path


def counted(command: list[str]) -> tuple[str, int]:
    """Run ``command`` under callgrind: its standard output, and the instructions run
    inside ``functools.reduce``."""
    with tempfile.TemporaryDirectory() as workdir:
        out = Path(workdir) / "callgrind.out"
        valgrind = [
            "valgrind",
            "--tool=callgrind",
            "--collect-atstart=no",
            "--toggle-collect=functools_reduce",
            f"--callgrind-out-file={out}",
        ]
        result = subprocess.run(valgrind + command, check=True, capture_output=True, text=True)
        totals = re.search(r"^totals: (\d+)", out.read_text(), re.MULTILINE)
    return result.stdout, int(totals.group(1))
