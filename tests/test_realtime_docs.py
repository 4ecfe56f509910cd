"""docs/REALTIME.md's Python client, run as written against a live server: it prints the
order event the shop sends while it listens."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.background import wait_for
from tests.factories import login, make_order, make_product, make_user

pytestmark = [pytest.mark.committed, pytest.mark.usefixtures("embedded_jobs")]

DOC = Path(__file__).parent.parent / "docs" / "REALTIME.md"


def python_example() -> str:
    (block,) = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)
    return block


def test_the_documented_python_client_hears_an_order_placed(app, client, live_url):
    customer = make_user()
    connections = app.extensions["realtime.hub"].connections
    before = len(connections)
    env = {
        **os.environ,
        "SHOP": live_url,
        "TOKEN": login(client, customer)["access"],
        "LISTEN_SECONDS": "3",
    }
    listening = subprocess.Popen(
        [sys.executable, "-c", python_example()], env=env, stdout=subprocess.PIPE, text=True
    )
    wait_for(lambda: len(connections) > before, 15, "the documented client to connect")

    order = make_order(customer, (make_product(), 1))

    out, _ = listening.communicate(timeout=30)
    assert listening.returncode == 0
    assert f"order.placed {{'order_id': {order.id}, 'user_id': {customer.id}" in out
