"""The production chain, end to end on loopback: Nginx → Gunicorn → PostgreSQL and Redis.

Runs in the PostgreSQL passes (with Redis, and with Redis down), with Debian's nginx,
openssl and curl. Every test goes through Nginx over HTTPS and HTTP/2: the catalog is
written by staff through the API, a customer shops, uploads are served by Nginx itself.
"""

import gzip
import json
import os
import time
from itertools import count
from urllib.parse import urlsplit

import pytest
import redis
import requests
import socketio
import websocket
from PIL import Image

from ecom.realtime.stream import RedisStream
from tests.background import wait_for
from tests.factories import ADDRESS
from tests.production_chain import (
    ROOT,
    STOCK_CACHE_SECONDS,
    Chain,
    Reply,
    drop_database,
    fresh_database,
    missing_tools,
    start_chain,
    stop_chain,
)
from tests.workers import SERVER_STACKS

# The stack runs in other processes.
pytestmark = [pytest.mark.committed, SERVER_STACKS]

HSTS = "max-age=63072000; includeSubDomains"
UPLOAD_LIMIT = 10 * 1024 * 1024
PASSWORD = "correct-horse-battery"
_serial = count(1)


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    test_db = os.environ.get("TEST_DATABASE_URL", "")
    redis_url = os.environ.get("TEST_REDIS_URL", "")
    if not test_db.startswith("postgres") or not redis_url:
        pytest.skip("Needs TEST_DATABASE_URL (PostgreSQL) and TEST_REDIS_URL: passes 2 and 3.")
    if missing_tools():
        pytest.skip(f"Needs {', '.join(missing_tools())} (.ci/run installs them).")
    url = fresh_database(test_db, "smoke")
    started = start_chain(tmp_path_factory.mktemp("chain"), url, redis_url)
    yield started
    stop_chain(started)
    drop_database(url)


# --- Steps a journey is built from ---------------------------------------------------


def log_in(chain: Chain, email: str) -> dict:
    """Authorization headers of a login through Nginx."""
    tokens = chain.request(
        "POST", "/api/v1/auth/jwt/create/", json_body={"email": email, "password": PASSWORD}
    )
    assert tokens.status == 200, tokens.body
    return {"Authorization": f"Bearer {tokens.json()['access']}"}


def register_and_login(chain: Chain) -> tuple[dict, dict]:
    """A new customer through Nginx: (the registered user, Authorization headers)."""
    n = next(_serial)
    user = {"email": f"chain{n}@example.com", "username": f"chain{n}", "password": PASSWORD}
    created = chain.request("POST", "/api/v1/auth/users/", json_body=user)
    assert created.status == 201, created.body
    return created.json(), log_in(chain, user["email"])


def post(chain: Chain, path: str, body: dict, headers: dict, status: int = 201) -> dict:
    """A JSON POST through Nginx that must answer ``status``; its JSON body."""
    reply = chain.request("POST", path, json_body=body, headers=headers)
    assert reply.status == status, reply.body
    return reply.json()


def redis_answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


@pytest.fixture(scope="module")
def staff_headers(chain) -> dict:
    """A staff member made with ``flask create-staff``, logged in through Nginx."""
    email = "chain-staff@example.com"
    chain.flask("create-staff", "--email", email, "--password", PASSWORD)
    return log_in(chain, email)


@pytest.fixture(scope="module")
def product(chain, staff_headers) -> dict:
    """A category and a product of 5 units at 12.50, created by staff through the API."""
    category = post(chain, "/api/v1/categories/", {"name": "Chain gear"}, staff_headers)
    body = {"title": "Chain mug", "price": "12.50", "stock_quantity": 5, "category": category["id"]}
    return post(chain, "/api/v1/products/", body, staff_headers)


def assert_served_by_nginx(chain: Chain, path: str, expected: bytes) -> Reply:
    """``path`` answers ``expected`` with long cache headers, and never reached the app."""
    reply = chain.request("GET", path)
    assert reply.status == 200
    assert reply.body == expected
    assert "max-age=2592000" in reply.headers["cache-control"]
    assert reply.headers["strict-transport-security"] == HSTS
    assert path not in {entry["path"] for entry in chain.request_log()}
    return reply


# --- The chain ------------------------------------------------------------------------


def test_the_entrypoint_migrated_the_database_to_the_latest_revision(chain):
    assert "(head)" in chain.flask("db", "current").stdout


def test_plain_http_is_redirected_to_https_with_301(chain):
    reply = chain.request("GET", "/api/v1/auth/users/me/?x=1", https=False)

    assert reply.status == 301
    assert reply.headers["location"] == "https://localhost/api/v1/auth/users/me/?x=1"


def test_acme_challenges_are_answered_over_plain_http(chain):
    token = chain.workdir / "acme" / ".well-known" / "acme-challenge" / "token-1"
    token.write_text("proof")

    reply = chain.request("GET", "/.well-known/acme-challenge/token-1", https=False)

    assert (reply.status, reply.body) == (200, b"proof")


def test_health_answers_over_https_and_http2_with_hsts(chain):
    reply = chain.request("GET", "/health/")

    assert reply.status == 200
    assert reply.http_version == "2"
    cache = "ok" if redis_answers(chain.env["REDIS_URL"]) else "degraded"
    assert reply.json()["checks"] == {"database": "ok", "cache": cache}
    assert reply.headers["strict-transport-security"] == HSTS


def test_a_customer_registers_logs_in_and_reads_their_profile_through_nginx(chain):
    user, headers = register_and_login(chain)

    me = chain.request("GET", "/api/v1/auth/users/me/", headers=headers)

    assert me.status == 200
    assert me.json()["email"] == user["email"]


def test_static_files_are_served_by_nginx_itself(chain):
    path = "/static/redoc/redoc.standalone.js.LICENSE.txt"

    assert_served_by_nginx(chain, path, (ROOT / "ecom" / path.lstrip("/")).read_bytes())


def test_a_product_image_uploaded_through_the_api_is_served_by_nginx_itself(
    chain, staff_headers, product
):
    png = chain.workdir / "mug.png"
    Image.new("RGB", (8, 8), "red").save(png, "PNG")
    path = f"/api/v1/products/{product['id']}/image/"

    uploaded = chain.request("POST", path, form_file=("image", png), headers=staff_headers)

    assert uploaded.status == 200, uploaded.body
    media_path = urlsplit(uploaded.json()["image"]).path
    assert media_path.startswith("/media/products/") and media_path.endswith(".png")
    reply = assert_served_by_nginx(chain, media_path, png.read_bytes())
    assert reply.headers["content-type"] == "image/png"
    assert reply.headers["x-content-type-options"] == "nosniff"


def test_a_customer_lists_products_fills_a_cart_and_places_an_order_through_nginx(chain, product):
    user, headers = register_and_login(chain)
    detail = f"/api/v1/products/{product['id']}/"
    listed = chain.request("GET", "/api/v1/products/", headers=headers)
    assert listed.status == 200
    assert product["id"] in [p["id"] for p in listed.json()["results"]]
    assert chain.request("GET", detail).json()["stock_quantity"] == 5

    post(chain, "/api/v1/cart/add/", {"product_id": product["id"], "quantity": 2}, headers, 200)
    address = post(chain, "/api/v1/auth/users/me/addresses/", ADDRESS, headers)
    order = post(chain, "/api/v1/orders/", {"shipping_address_id": address["id"]}, headers)

    assert (order["status"], order["total_amount"]) == ("pending", "25.00")
    # Whichever worker answers, the cached product read shows the new stock once the stock
    # TTL has passed (a checkout keeps cached product pages).
    time.sleep(STOCK_CACHE_SECONDS + 0.5)
    assert chain.request("GET", detail).json()["stock_quantity"] == 3
    [line] = [e for e in chain.request_log() if e["path"] == "/api/v1/orders/"]
    assert (line["status"], line["user_id"]) == (201, str(user["id"]))


def test_nginx_alone_gzips_json_for_a_client_that_accepts_it(chain):
    plain = chain.request("GET", "/api/v1/schema/")
    packed = chain.request("GET", "/api/v1/schema/", headers={"Accept-Encoding": "gzip, br"})

    assert packed.headers["content-encoding"] == "gzip"  # once: the app leaves it to Nginx
    assert json.loads(gzip.decompress(packed.body)) == plain.json()
    assert len(packed.body) < len(plain.body) / 4


def test_a_body_over_the_upload_limit_is_refused_by_nginx_with_413(chain):
    too_big = chain.workdir / "too-big.bin"
    too_big.write_bytes(b"\0" * (UPLOAD_LIMIT + 1))

    reply = chain.request("POST", "/api/v1/auth/users/", body_file=too_big)

    assert reply.status == 413
    assert reply.json()["code"] == "request_too_large"


def test_each_request_writes_one_json_line_with_the_request_log_keys(chain):
    chain.request("GET", "/health/ready/", headers={"X-Request-ID": "smoke-ready-1"})

    [entry] = [e for e in chain.request_log() if e["request_id"] == "smoke-ready-1"]

    # The app's line; Gunicorn's access log stays off, so there is no second one.
    assert chain.access_log.read_text() == ""
    assert set(entry) == {
        "time", "level", "logger", "message", "request_id", "method", "path",
        "status", "duration_ms", "user_id", "client_ip",
    }  # fmt: skip
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/health/ready/", 200)
    assert entry["client_ip"] == "127.0.0.1"


def test_nginx_answers_429_to_a_burst_of_logins_from_one_address(chain):
    attempt = {"email": "nobody@example.com", "password": "wrong-password"}
    # 127.0.0.2: a client of its own, so the other tests keep their login budget.
    replies = [
        chain.request("POST", "/api/v1/auth/jwt/create/", json_body=attempt, source="127.0.0.2")
        for _ in range(7)
    ]

    assert [r.status for r in replies[:6]] == [401] * 6
    assert replies[6].status == 429
    assert replies[6].json()["code"] == "rate_limited"
    assert replies[6].headers["retry-after"] == "60"


def socket_client(chain: Chain) -> socketio.Client:
    session = requests.Session()
    session.verify = str(chain.certificate)
    return socketio.Client(http_session=session, reconnection=False)


def test_a_client_hears_live_events_through_nginxs_websocket_upgrade(chain):
    redis_url = os.environ["TEST_REDIS_URL"]
    if not redis_answers(redis_url):
        pytest.skip("Live updates travel on Redis: the Redis-down pass has none.")
    user, headers = register_and_login(chain)
    token = headers["Authorization"].removeprefix("Bearer ")
    client, heard = socket_client(chain), []
    client.on("event", heard.append)
    client.connect(chain.url("/"), auth={"token": token}, transports=["websocket"], wait_timeout=10)
    try:
        assert client.transport() == "websocket"
        hint = {"event": "order.placed", "event_id": "e1", "occurred_at": "now", "staff": True}
        RedisStream(redis_url, 60).publish({**hint, "user_id": user["id"], "data": {"order_id": 1}})
        wait_for(lambda: heard, 10, "the event through Nginx")
        assert heard[0]["data"] == {"order_id": 1}
    finally:
        client.disconnect()


def test_a_socket_from_another_origin_is_refused_and_from_the_shop_accepted(chain):
    url = chain.url("/socket.io/?EIO=4&transport=websocket").replace("https", "wss", 1)
    tls = {"ca_certs": str(chain.certificate)}
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(url, origin="https://elsewhere.example", sslopt=tls)
    assert refused.value.status_code == 400
    own = websocket.create_connection(url, origin=chain.url("").rstrip("/"), sslopt=tls)
    assert own.recv().startswith("0{")  # Engine.IO's open packet
    own.close()
