"""The documents' walkthroughs run as written, with bash and curl, against a live server
on a freshly seeded shop.

A runnable block is fenced as ```` ```sh runnable ````; README's blocks (the variables
and the staff token every walkthrough uses) run first, then the document's, in one bash
with ``set -euo pipefail``: a ``curl -fsS`` that gets a non-2xx answer fails the test,
as does an unset variable. ``SHOP_URL`` names the live server.
"""

import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.factories import run_seed

ROOT = Path(__file__).resolve().parent.parent
README = "README.md"
WALKTHROUGHS = (
    "docs/API.md",
    "docs/PAYMENTS.md",
    "docs/PRICING.md",
    "docs/ORDERS.md",
    "docs/FULFILMENT.md",
    "docs/RETURNS.md",
    "docs/AUDIT.md",
    "docs/INTEGRATIONS.md",
    "docs/I18N.md",
)
RUNNABLE = re.compile(r"^```sh runnable\n(.*?)^```$", re.MULTILINE | re.DOTALL)
SEED = ("--products", "12", "--users", "2", "--orders", "3", "--reviews", "6")


def runnable_blocks(document: str) -> list[str]:
    return RUNNABLE.findall((ROOT / document).read_text())


@pytest.fixture
def seeded_shop(app, live_url, embedded_jobs) -> str:
    """The live server's URL, on a shop seeded the way the README says (smaller)."""
    run_seed(app, *SEED)
    return live_url


def run_walkthrough(document: str, shop_url: str) -> subprocess.CompletedProcess:
    script = "\n".join(["set -euo pipefail", *runnable_blocks(README), *runnable_blocks(document)])
    return subprocess.run(
        ["bash", "-c", script],
        cwd=ROOT,
        env={**os.environ, "SHOP_URL": shop_url},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_readme_and_each_walkthrough_document_hold_runnable_blocks():
    for document in (README, *WALKTHROUGHS):
        assert runnable_blocks(document), document


@pytest.mark.committed
@pytest.mark.parametrize("document", WALKTHROUGHS)
def test_the_walkthrough_runs_as_written_on_a_seeded_shop(seeded_shop, document):
    result = run_walkthrough(document, seeded_shop)

    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
