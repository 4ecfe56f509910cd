"""Two app instances behind Nginx behave as one shop: they share PostgreSQL and Redis.

Nginx runs the project's site file with one upstream ``server`` line per instance; each
instance is Gunicorn with the production settings, started through the container's
entrypoint. Requests go through Nginx, or to one instance directly (as Nginx would send
them) when the test must choose which instance answers. Each client gets its own address
(X-Forwarded-For, trusted from loopback), so the strict login limit of one test does not
spill into another. Runs in the PostgreSQL + Redis pass.
"""

import os
import subprocess
import threading
import time
from collections.abc import Callable
from itertools import count

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.factories import ADDRESS, DEAD_REDIS
from tests.production_chain import (
    Chain,
    Reply,
    drop_database,
    fresh_database,
    kill_instance,
    missing_tools,
    start_chain,
    start_instance,
    stop_chain,
)
from tests.workers import SERVER_STACKS

# Several app processes share the database.
pytestmark = [pytest.mark.committed, SERVER_STACKS]

PASSWORD = "correct-horse-battery"
AUTH_LIMIT = 3
_serial = count(1)


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    test_db = os.environ.get("TEST_DATABASE_URL", "")
    redis_url = os.environ.get("TEST_REDIS_URL", "")
    if not test_db.startswith("postgres") or not redis_url or redis_url == DEAD_REDIS:
        pytest.skip("Needs TEST_DATABASE_URL (PostgreSQL) and a live TEST_REDIS_URL: pass 2.")
    if missing_tools():
        pytest.skip(f"Needs {', '.join(missing_tools())} (.ci/run installs them).")
    url = fresh_database(test_db, "scale")
    started = start_chain(
        tmp_path_factory.mktemp("pair"),
        url,
        redis_url,
        instances=2,
        env={"RATELIMIT_LOGIN_FAILURES": f"{AUTH_LIMIT}/minute", "WEB_CONCURRENCY": "2"},
    )
    yield started
    stop_chain(started)
    drop_database(url)


def new_address() -> dict[str, str]:
    """A client address of its own, as Nginx would report it."""
    n = next(_serial)
    return {"X-Forwarded-For": f"198.51.{n // 250}.{n % 250 + 1}"}


def call(pair: Chain, instance: int, method: str, path: str, **kwargs) -> Reply:
    headers = {**new_address(), **kwargs.pop("headers", {})}
    return pair.request(method, path, instance=instance, headers=headers, **kwargs)


def log_in(pair: Chain, instance: int, email: str) -> dict:
    """The token pair of a login on ``instance``."""
    body = {"email": email, "password": PASSWORD}
    reply = call(pair, instance, "POST", "/api/v1/auth/jwt/create/", json_body=body)
    assert reply.status == 200, reply.body
    return reply.json()


def customer(pair: Chain) -> tuple[str, dict]:
    """A registered customer's email and Authorization headers (through instance 0)."""
    email = f"pair{next(_serial)}@example.com"
    user = {"email": email, "username": email.split("@")[0], "password": PASSWORD}
    assert call(pair, 0, "POST", "/api/v1/auth/users/", json_body=user).status == 201
    return email, {"Authorization": f"Bearer {log_in(pair, 0, email)['access']}"}


@pytest.fixture(scope="module")
def staff(pair) -> dict:
    email = "pair-staff@example.com"
    pair.flask("create-staff", "--email", email, "--password", PASSWORD)
    return {"Authorization": f"Bearer {log_in(pair, 0, email)['access']}"}


@pytest.fixture(scope="module")
def category(pair, staff) -> int:
    reply = call(pair, 0, "POST", "/api/v1/categories/", json_body={"name": "Pairs"}, headers=staff)
    assert reply.status == 201, reply.body
    return reply.json()["id"]


def test_a_login_limit_reached_through_one_instance_holds_through_the_other(pair):
    address = new_address()
    body = {"email": "nobody@example.com", "password": "wrong-password"}

    def attempt(instance: int) -> int:
        path = "/api/v1/auth/jwt/create/"
        return pair.request("POST", path, json_body=body, headers=address, instance=instance).status

    statuses = [attempt(0) for _ in range(AUTH_LIMIT)]

    assert statuses == [401] * AUTH_LIMIT
    assert attempt(1) == 429


def test_a_logout_through_one_instance_is_refused_through_the_other(pair):
    email, _ = customer(pair)
    tokens = log_in(pair, 0, email)
    access = {"Authorization": f"Bearer {tokens['access']}"}
    assert call(pair, 1, "GET", "/api/v1/auth/users/me/", headers=access).status == 200

    logout = call(
        pair, 0, "POST", "/api/v1/auth/jwt/logout/", json_body={"refresh": tokens["refresh"]},
        headers=access,
    )  # fmt: skip

    assert logout.status == 204, logout.body
    assert call(pair, 1, "GET", "/api/v1/auth/users/me/", headers=access).status == 401
    refresh = {"refresh": tokens["refresh"]}
    refreshed = call(pair, 1, "POST", "/api/v1/auth/jwt/refresh/", json_body=refresh)
    assert refreshed.status == 401


def test_a_catalog_write_through_one_instance_is_read_at_once_through_the_other(
    pair, staff, category
):
    path = f"/api/v1/products/?category={category}"
    before = [call(pair, 1, "GET", path) for _ in range(3)]  # Cached on instance 1 now.
    body = {"title": "Pair kettle", "price": "20.00", "stock_quantity": 4, "category": category}

    created = call(pair, 0, "POST", "/api/v1/products/", json_body=body, headers=staff)
    after = call(pair, 1, "GET", path)

    assert created.status == 201, created.body
    assert "Pair kettle" not in {p["title"] for p in before[-1].json()["results"]}
    assert "Pair kettle" in {p["title"] for p in after.json()["results"]}


def test_killing_one_instance_between_reads_through_nginx_loses_no_request(pair):
    """Two streams of reads; one instance is killed (SIGKILL) between two reads of each, so
    Nginx still holds keep-alive connections to it and picks it for new ones: those reads
    must be retried on the other instance. (A response already under way when its server
    dies cannot be retried by any proxy: the client has its head. Clients retry those.)"""
    statuses: list[int] = []
    paused, resumed = threading.Barrier(3, timeout=60), threading.Barrier(3, timeout=60)

    def read(n: int) -> None:
        for i in range(n):
            if i == n // 3:
                paused.wait()
                resumed.wait()
            try:
                statuses.append(pair.request("GET", "/api/v1/categories/").status)
            except subprocess.CalledProcessError:
                statuses.append(0)

    readers = [threading.Thread(target=read, args=(24,)) for _ in range(2)]
    for reader in readers:
        reader.start()
    paused.wait()
    kill_instance(pair, 0)
    resumed.wait()
    for reader in readers:
        reader.join()
    start_instance(pair, 0)

    assert statuses == [200] * 48
    retried = (pair.workdir / "nginx-error.log").read_text()
    assert "while connecting to upstream" in retried or "while reading" in retried


def retry_while_unavailable(send: Callable[[], Reply], seconds: float = 20) -> Reply:
    """What a client does with a 502-504: try again a little later (Nginx may still be
    leaving out the instance restarted by the previous test, for its fail_timeout)."""
    deadline = time.monotonic() + seconds
    reply = send()
    while reply.status in (502, 503, 504) and time.monotonic() < deadline:
        time.sleep(0.5)
        reply = send()
    return reply


def test_a_checkout_retried_with_its_key_after_its_instance_died_makes_one_order(
    pair, staff, category
):
    email, headers = customer(pair)
    product = call(
        pair, 0, "POST", "/api/v1/products/", headers=staff,
        json_body={"title": "Pair mug", "price": "9.50", "stock_quantity": 3, "category": category},
    ).json()  # fmt: skip
    add = {"product_id": product["id"], "quantity": 2}
    assert call(pair, 1, "POST", "/api/v1/cart/add/", json_body=add, headers=headers).status == 200
    checkout = {"shipping_address": ADDRESS}
    key = {**headers, "Idempotency-Key": "pair-checkout-1"}

    first = call(pair, 1, "POST", "/api/v1/orders/", json_body=checkout, headers=key)
    kill_instance(pair, 1)
    retried = retry_while_unavailable(
        lambda: pair.request("POST", "/api/v1/orders/", json_body=checkout, headers=key)
    )
    orders = pair.request("GET", "/api/v1/orders/", headers=headers)
    stock = pair.request("GET", f"/api/v1/products/{product['id']}/")

    assert first.status == 201, first.body
    assert retried.status == 200, retried.body
    assert retried.json()["id"] == first.json()["id"]
    assert [order["id"] for order in orders.json()["results"]] == [first.json()["id"]]
    assert stock.json()["stock_quantity"] == 1


def scrape(pair: Chain, instance: int) -> dict[tuple[str, frozenset], float]:
    reply = pair.request("GET", "/metrics", instance=instance)
    assert reply.status == 200, reply.body
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(reply.body.decode())
        for sample in family.samples
    }


def test_metrics_add_up_every_gunicorn_worker_and_are_not_served_through_nginx(pair):
    labels = frozenset({"route": "/api/v1/categories/", "method": "GET", "status": "200"}.items())
    name = ("ecom_http_requests_total", labels)
    before = scrape(pair, 0).get(name, 0.0)

    for _ in range(10):
        assert pair.request("GET", "/api/v1/categories/", instance=0).status == 200
    after = scrape(pair, 0)

    assert after[name] - before == 10
    assert ("ecom_db_pool_size", frozenset({"database": "primary"}.items())) in after
    assert pair.request("GET", "/metrics").status == 404
