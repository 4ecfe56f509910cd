"""The document is a contract a generated client can rely on, checked by its type checker.

openapi-python-client generates a package from the served /api/v1/schema/ into a
temporary folder (no network: it renders Jinja templates); ``tests/client_flow.py`` uses
only that package, passes ``mypy --strict`` against it, and then runs a customer's visit
against a live server on loopback: register, log in, a filtered list, a product, the
cart, a checkout replayed with its Idempotency-Key, the orders and a review.
"""

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.factories import make_category, make_product

FLOW = Path(__file__).with_name("client_flow.py")
TOOLS = Path(sys.executable).parent
# No post hooks: the generated code is checked by mypy, not formatted. Invoices are PDFs,
# which the generator reads as any binary body.
GENERATOR_CONFIG = (
    "package_name_override: ecom_client\npost_hooks: []\n"
    "content_type_overrides:\n  application/pdf: application/octet-stream\n"
)


def run(*command: object, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0, f"{command[:3]}...\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def client_folder(live_url, tmp_path_factory) -> Path:
    """A folder holding the ``ecom_client`` package generated from the served document."""
    folder = tmp_path_factory.mktemp("generated")
    with urllib.request.urlopen(f"{live_url}/api/v1/schema/") as answer:
        (folder / "openapi.json").write_bytes(answer.read())
    (folder / "config.yaml").write_text(GENERATOR_CONFIG)
    run(
        TOOLS / "openapi-python-client",
        "generate",
        "--path",
        folder / "openapi.json",
        "--config",
        folder / "config.yaml",
        "--meta",
        "none",
        "--output-path",
        folder / "ecom_client",
        "--fail-on-warning",
    )
    return folder


def test_the_client_flow_type_checks_against_the_generated_client(client_folder):
    env = {**os.environ, "MYPYPATH": str(client_folder)}
    cache = client_folder / ".mypy_cache"
    checked = run(
        sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent",
        "--cache-dir", cache, FLOW, env=env,
    )  # fmt: skip
    assert "no issues found" in checked


def test_a_generated_client_buys_and_reviews_on_a_live_server(client_folder, live_url):
    lamps = make_category("Lamps")
    make_product(lamps, title="Desk lamp", price="24.90", stock=5)
    make_product(lamps, title="Floor lamp", price="149.00", stock=5)
    make_product(lamps, title="Sold-out lamp", price="9.90", stock=0)
    env = {**os.environ, "PYTHONPATH": str(client_folder)}
    run(sys.executable, FLOW, live_url, env=env)
