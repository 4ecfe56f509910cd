"""Each process's copies of cached answers (ecom.common.cache_local): served with no Redis
command, dropped by a write from any process, never outliving Redis's entry, and out of
the way when Redis is down. On a real Redis (the PostgreSQL + Redis pass)."""

import os
import subprocess
import sys
import time
from pathlib import Path
from uuid import uuid4

import pytest
from sqlalchemy import text

from ecom.common.cache import invalidate
from ecom.common.cache_families import PRODUCTS
from ecom.extensions import db
from tests.factories import make_product

ROOT = Path(__file__).resolve().parent.parent
LIST = "/api/v1/products/"
# A product write made by another process: an app instance of its own, the same services.
WRITER = """
import sys
from config import TestingConfig
from ecom import create_app
from ecom.catalog import services
with create_app(TestingConfig()).app_context():
    services.update_product(int(sys.argv[1]), {"title": sys.argv[2]})
"""


@pytest.fixture
def limits_off(app, monkeypatch):
    """Hits skip Flask only while the app's rate limits are off (every read counts else)."""
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", False)


@pytest.fixture
def long_ttl(app, monkeypatch):
    """Product reads kept a minute: no copy expires by itself during the test."""
    monkeypatch.setitem(app.config, "STOCK_CACHE_SECONDS", 60)


def commands_during(redis_client, action) -> list[str]:
    """The commands Redis ran on the app's database while ``action`` ran (MONITOR)."""
    database = redis_client.connection_pool.connection_kwargs.get("db", 0)
    marker = f"end-{uuid4().hex}"
    with redis_client.monitor() as monitor:
        action()
        redis_client.echo(marker)
        commands = []
        for seen in monitor.listen():
            if marker in seen["command"]:
                return commands
            if seen["db"] == database:
                commands.append(seen["command"])


def served_without_redis(client, redis_client, url: str) -> bool:
    """Whether a second read of ``url`` (the first one made the copy) sent Redis no
    command. Tried six times: a flush by any client of this Redis server, on any
    database (another test worker's, after each of its tests), tells every process to
    forget what it trusts."""
    answers = []
    for _ in range(6):
        first = client.get(url)
        commands = commands_during(redis_client, lambda: answers.append(client.get(url)))
        assert answers[-1].status_code == 200 and answers[-1].data == first.data
        if not commands:
            return True
    return False


def write_in_another_process(app, product_id: int, title: str) -> None:
    env = dict(os.environ, TEST_DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"])
    command = [sys.executable, "-c", WRITER, str(product_id), title]
    subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)


@pytest.mark.usefixtures("limits_off", "long_ttl")
def test_a_repeated_hit_is_served_from_the_process_copy_without_a_redis_command(
    client, redis_client, flask_calls
):
    make_product(title="Lamp")
    assert served_without_redis(client, redis_client, LIST)
    assert flask_calls.count(LIST) <= 3


@pytest.mark.committed
@pytest.mark.usefixtures("limits_off", "long_ttl")
def test_a_product_write_in_another_process_replaces_this_process_copy(app, client, redis_client):
    product = make_product(title="Lamp")
    assert served_without_redis(client, redis_client, LIST)

    write_in_another_process(app, product.id, "Desk lamp")
    db.session.expire_all()  # The test's session outlives requests; a server's does not.

    assert [p["title"] for p in client.get(LIST).json["results"]] == ["Desk lamp"]
    assert client.get(f"{LIST}{product.id}/").json["title"] == "Desk lamp"


@pytest.mark.usefixtures("limits_off")
def test_a_copy_is_never_served_after_redis_entry_expired(app, client, redis_client, monkeypatch):
    monkeypatch.setitem(app.config, "STOCK_CACHE_SECONDS", 1)
    product = make_product(title="Lamp")
    made = time.monotonic()
    client.get(LIST)
    # Changed behind the cache's back: only the entry's TTL brings it to readers.
    db.session.execute(
        text("UPDATE products SET title = 'Desk lamp' WHERE id = :id"), {"id": product.id}
    )
    db.session.commit()
    assert client.get(LIST).json["results"][0]["title"] == "Lamp"

    time.sleep(max(0.0, made + 1.05 - time.monotonic()))

    assert client.get(LIST).json["results"][0]["title"] == "Desk lamp"


@pytest.mark.usefixtures("limits_off", "long_ttl")
def test_a_broken_tracking_connection_stops_local_answers_and_misses_no_write(
    app, client, redis_client
):
    product = make_product(title="Lamp")
    assert served_without_redis(client, redis_client, LIST)
    database = redis_client.connection_pool.connection_kwargs.get("db", 0)
    tracking = [
        c["id"]
        for c in redis_client.client_list()
        if "t" in c["flags"] and int(c["db"]) == database and int(c["resp"]) == 3
    ]
    assert len(tracking) == 1
    redis_client.client_kill_filter(_id=tracking[0])
    # A write whose push the killed connection can no longer carry.
    db.session.execute(
        text("UPDATE products SET title = 'Desk lamp' WHERE id = :id"), {"id": product.id}
    )
    db.session.commit()
    invalidate(PRODUCTS)

    assert client.get(LIST).json["results"][0]["title"] == "Desk lamp"


# Any flush on the Redis server clears every process's local copies: alone on the server.
@pytest.mark.solo
@pytest.mark.usefixtures("limits_off", "long_ttl")
def test_with_redis_stopped_copies_are_not_served_and_flask_answers(
    client, redis_client, stop_redis, flask_calls
):
    product = make_product(title="Lamp")
    assert served_without_redis(client, redis_client, LIST)
    stop_redis()
    # Changed behind the cache's back: a copy served now would show the old title.
    db.session.execute(
        text("UPDATE products SET title = 'Desk lamp' WHERE id = :id"), {"id": product.id}
    )
    db.session.commit()
    flask_calls.clear()

    answers = [client.get(LIST) for _ in range(2)]

    assert [a.status_code for a in answers] == [200, 200]
    assert [a.json["results"][0]["title"] for a in answers] == ["Desk lamp"] * 2
    assert flask_calls == [LIST, LIST]
