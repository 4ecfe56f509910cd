"""/metrics under the shipped server: ``gunicorn -c gunicorn.conf.py wsgi:app``, two sync
workers, no PROMETHEUS_MULTIPROC_DIR in its environment (as Compose's ``web`` runs it).

The app runs its testing settings on a SQLite file (migrated with ``flask db upgrade``),
mail kept in memory: what is under test is the server and its workers. Requests and the
checkout go over HTTP as a client's would; a real Prometheus scrapes the server too.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.factories import ADDRESS, PASSWORD
from tests.production_chain import free_port
from tests.workers import SERVER_STACKS, die_with_parent

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 30
LISTING = "/api/v1/products/"
STAFF_EMAIL = "metrics-staff@example.com"
# The start-up probe's request: counted before any test, requested by none.
PROBE = {"route": "/health/live/", "method": "GET", "status": "200"}

pytestmark = SERVER_STACKS


@dataclass
class Server:
    port: int
    env: dict[str, str]

    def call(self, method: str, path: str, body: dict | None = None, token: str = "") -> dict:
        """One request on a connection of its own; the JSON body of a 2xx answer."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Content-Type": "application/json"} if body is not None else {},
        )
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        with urllib.request.urlopen(request, timeout=10) as reply:
            return json.loads(reply.read() or b"null")

    def log_in(self, email: str) -> str:
        body = {"email": email, "password": PASSWORD}
        return self.call("POST", "/api/v1/auth/jwt/create/", body)["access"]

    def scrape(self) -> dict[tuple[str, frozenset], float]:
        """Every sample of /metrics, keyed by name and labels."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/metrics", timeout=10) as reply:
            text = reply.read().decode()
        return {
            (sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples
        }


def server_environment(workdir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TEST_", "GUNICORN_", "FLASK_", "PROMETHEUS_"))
    }
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        APP_ENV="testing",
        FLASK_APP="wsgi:app",
        TEST_DATABASE_URL=f"sqlite:///{workdir / 'shop.sqlite3'}",
        CACHE_DIR=str(workdir / "cache"),
        MEDIA_ROOT=str(workdir / "media"),
        WEB_CONCURRENCY="2",
        GUNICORN_WORKER_CLASS="sync",
    )
    return env


def wait_until_answering(server: Server, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Gunicorn exited with {process.returncode}:\n{log.read_text()}")
        try:
            server.call("GET", "/health/live/")
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"Gunicorn did not answer in time:\n{log.read_text()[-3000:]}")


def flask(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen(["flask", *args], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    workdir = tmp_path_factory.mktemp("workers")
    started = Server(free_port(), server_environment(workdir))
    assert flask(started.env, "db", "upgrade").wait() == 0
    staff = flask(started.env, "create-staff", "--email", STAFF_EMAIL, "--password", PASSWORD)
    log = workdir / "gunicorn.log"
    bind = f"127.0.0.1:{started.port}"
    # Gunicorn's default control socket is one per user: this server gets its own.
    control = ["--control-socket", str(workdir / "gunicorn.ctl")]
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["gunicorn", "-c", "gunicorn.conf.py", "--bind", bind, *control, "wsgi:app"],
            cwd=ROOT, env=started.env, stdout=out, stderr=out, start_new_session=True,
            preexec_fn=die_with_parent,
        )  # fmt: skip
    try:
        wait_until_answering(started, process, log)
        assert staff.wait() == 0
        yield started
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


@contextmanager
def one_worker_held(server: Server, path: str) -> Iterator[None]:
    """A client that has sent half of a GET of ``path``: the sync worker that took it serves
    nobody else until the rest arrives, so every request sent meanwhile goes to the other."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\n".encode())
        yield
        sock.sendall(b"Connection: close\r\n\r\n")
        head = sock.makefile("rb").readline()
    assert head.split()[1] == b"200", head


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def place_an_order(server: Server) -> None:
    """Staff list a product; a new customer puts it in a cart and checks out."""
    staff = server.log_in(STAFF_EMAIL)
    category = server.call("POST", "/api/v1/categories/", {"name": "Metered"}, staff)
    mug = {"title": "Metered mug", "price": "9.50", "stock_quantity": 3, "category": category["id"]}
    product = server.call("POST", "/api/v1/products/", mug, staff)
    customer = {"email": "metered@example.com", "username": "metered", "password": PASSWORD}
    server.call("POST", "/api/v1/auth/users/", customer)
    token = server.log_in(customer["email"])
    server.call("POST", "/api/v1/cart/add/", {"product_id": product["id"], "quantity": 1}, token)
    server.call("POST", "/api/v1/orders/", {"shipping_address": ADDRESS}, token)


def test_requests_answered_by_every_worker_are_counted_once_in_one_scrape(server):
    requests = 12
    listed = {"route": LISTING, "method": "GET", "status": "200"}
    before = server.scrape()

    with one_worker_held(server, LISTING):
        for _ in range(requests - 1):
            server.call("GET", LISTING)
    scrapes = [server.scrape() for _ in range(4)]

    for after in scrapes:
        for name in ("ecom_http_requests_total", "ecom_http_request_duration_seconds_count"):
            assert value(after, name, **listed) - value(before, name, **listed) == requests


def test_a_checkout_on_any_worker_moves_the_order_counter(server):
    before = server.scrape()

    place_an_order(server)

    moved = value(server.scrape(), "ecom_orders_total", event="placed")
    assert moved - value(before, "ecom_orders_total", event="placed") == 1


def prometheus_config(target: int) -> str:
    return (
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
        "scrape_configs:\n  - job_name: ecom\n"
        f"    static_configs:\n      - targets: ['127.0.0.1:{target}']\n"
    )


def prometheus_api(port: int, path: str, **query: str) -> dict:
    url = f"http://127.0.0.1:{port}/api/v1/{path}?{urllib.parse.urlencode(query)}"
    with urllib.request.urlopen(url, timeout=5) as reply:
        return json.loads(reply.read())["data"]


def test_prometheus_scrapes_the_server_and_reads_its_samples(server, tmp_path):
    if shutil.which("prometheus") is None:
        pytest.skip("Needs Debian's prometheus (.ci/run installs it).")
    probes = value(server.scrape(), "ecom_http_requests_total", **PROBE)
    config = tmp_path / "prometheus.yml"
    config.write_text(prometheus_config(server.port))
    port = free_port()
    prometheus = subprocess.Popen(
        [
            "prometheus", f"--config.file={config}", f"--storage.tsdb.path={tmp_path / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=die_with_parent,
    )  # fmt: skip
    query = "ecom_http_requests_total{" + ",".join(f'{k}="{v}"' for k, v in PROBE.items()) + "}"
    try:
        found = []
        deadline = time.monotonic() + START_TIMEOUT
        while not found and time.monotonic() < deadline:
            time.sleep(0.5)
            try:
                found = prometheus_api(port, "query", query=query)["result"]
            except OSError:  # Not answering yet.
                continue
        [target] = prometheus_api(port, "targets")["activeTargets"]
    finally:
        prometheus.kill()
        prometheus.wait()

    assert (target["health"], target["lastError"]) == ("up", "")
    assert [float(series["value"][1]) for series in found] == [probes]
