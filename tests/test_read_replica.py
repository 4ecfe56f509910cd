"""Catalog and review reads from a real streaming replica; writes and a writer's reads on the
primary; the primary answers alone when the replica stops.

The test makes its own primary cluster and a replica of it with ``pg_basebackup`` (see
tests/pg_cluster.py), so the machine's PostgreSQL is left as it is. Each engine is asked
``pg_is_in_recovery()`` to show which server it is, and every statement is recorded with
the port of the server that ran it. Runs in the PostgreSQL + Redis pass.
"""

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import event

import config
from config import REPLICA_BIND
from ecom import create_app
from ecom.common import replica as routing
from ecom.extensions import db
from tests import pg_cluster
from tests.factories import DEAD_REDIS, make_product, make_user, token_headers
from tests.workers import SERVER_STACKS

# A second engine (the replica) reads what the primary committed.
pytestmark = [pytest.mark.committed, SERVER_STACKS]


@pytest.fixture(scope="module")
def clusters():
    if not os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"):
        pytest.skip("Runs in the PostgreSQL pass.")
    if os.environ.get("TEST_REDIS_URL") == DEAD_REDIS:
        pytest.skip("Runs in the PostgreSQL + Redis pass (the writers' marks live in Redis).")
    bin_dir = pg_cluster.server_bin()
    if bin_dir is None:
        pytest.skip("Needs the PostgreSQL server binaries (initdb, pg_basebackup).")
    primary, replica = pg_cluster.start_primary_and_replica(bin_dir)
    yield primary, replica
    pg_cluster.remove(primary, replica)


@pytest.fixture(scope="module")
def replica_app(clusters):
    primary, replica = clusters
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEST_", "DATABASE_"))}
    env.update(
        TEST_DATABASE_URL=primary.url,
        DATABASE_REPLICA_URL=replica.url,
        TEST_REDIS_URL=os.environ.get("TEST_REDIS_URL", ""),
        # The database must answer every read, not the cache.
        CACHE_ENABLED="false",
    )
    app = create_app(config.TestingConfig(env))
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose()


@pytest.fixture
def ran(replica_app) -> Iterator[dict[str, list[str]]]:
    """In the replica app: the statements each server ran, keyed "primary" and "replica",
    the replica caught up with the primary first; every table emptied after."""
    with replica_app.app_context():
        yield from _recording()
        db.session.remove()
        tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
        with db.engines[None].begin() as conn:
            conn.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


def _recording() -> Iterator[dict[str, list[str]]]:
    engines = {"primary": db.engines[None], "replica": db.engines[REPLICA_BIND]}
    with engines["primary"].connect() as writer, engines["replica"].connect() as reader:
        pg_cluster.wait_for_replay(writer, reader)
    statements: dict[str, list[str]] = {name: [] for name in engines}
    listeners = []
    for name, engine in engines.items():

        def record(_conn, _cursor, statement, *_args, name=name) -> None:
            statements[name].append(statement)

        event.listen(engine, "before_cursor_execute", record)
        listeners.append((engine, record))
    routing._state["down_until"] = 0.0
    yield statements
    for engine, record in listeners:
        event.remove(engine, "before_cursor_execute", record)


def _reads_of(statements: list[str], table: str) -> list[str]:
    return [s for s in statements if s.lstrip().startswith("SELECT") and f"FROM {table}" in s]


@contextmanager
def replay_paused() -> Iterator[None]:
    """The replica keeps receiving WAL but applies none of it: it lags on purpose."""
    with db.engines[REPLICA_BIND].connect() as conn:
        conn.exec_driver_sql("SELECT pg_wal_replay_pause()")
        try:
            yield
        finally:
            conn.exec_driver_sql("SELECT pg_wal_replay_resume()")


def test_the_replica_bind_is_a_hot_standby_and_the_default_bind_the_primary(ran):
    def in_recovery(engine) -> bool:
        with engine.connect() as conn:
            return conn.exec_driver_sql("SELECT pg_is_in_recovery()").scalar()

    assert in_recovery(db.engines[REPLICA_BIND]) is True
    assert in_recovery(db.engines[None]) is False


def test_catalog_and_review_reads_go_to_the_replica(replica_app, ran):
    # Read before counting: the test's own refresh of the committed entity is no app read
    # (the list loads records, which no longer refresh it in the session's identity map).
    product_id = make_product(title="Replicated kettle").id
    ran["primary"].clear()
    client = replica_app.test_client()

    listing = client.get("/api/v1/products/")
    reviews = client.get(f"/api/v1/reviews/?product={product_id}")

    assert listing.status_code == 200, listing.json
    assert [p["title"] for p in listing.json["results"]] == ["Replicated kettle"]
    assert reviews.status_code == 200, reviews.json
    assert _reads_of(ran["replica"], "products") and _reads_of(ran["replica"], "reviews")
    assert not _reads_of(ran["primary"], "products") + _reads_of(ran["primary"], "reviews")


def test_writes_and_other_routes_use_the_primary(replica_app, ran):
    staff = make_user("staff")
    product = make_product()
    ran["replica"].clear()
    client = replica_app.test_client()

    created = client.post(
        "/api/v1/products/",
        json={"title": "Written kettle", "price": "12.00", "category": product.category_id},
        headers=token_headers(staff),
    )
    cart = client.get("/api/v1/cart/", headers=token_headers(make_user()))

    assert created.status_code == 201, created.json
    assert cart.status_code == 200, cart.json
    assert any(s.startswith("INSERT INTO products") for s in ran["primary"])
    assert ran["replica"] == []


def test_a_read_after_a_flush_in_the_same_transaction_uses_the_primary(replica_app, ran):
    product = make_product(title="Before")
    with replica_app.test_request_context("/api/v1/products/"):
        db.session.info[routing.READS_KEY] = True
        product.title = "Flushed, not committed"
        db.session.flush()
        ran["primary"].clear()
        db.session.expire(product)
        assert product.title == "Flushed, not committed"
        db.session.rollback()
        db.session.info.pop(routing.READS_KEY)
    assert _reads_of(ran["primary"], "products") and not _reads_of(ran["replica"], "products")


def test_a_staff_members_reads_just_after_their_write_come_from_the_primary(replica_app, ran):
    staff = make_user("staff")
    product = make_product(title="Old title")
    client = replica_app.test_client()
    path = f"/api/v1/products/{product.id}/"

    with replay_paused():
        patched = client.patch(path, json={"title": "New title"}, headers=token_headers(staff))
        seen_by_staff = client.get(path, headers=token_headers(staff))
        # A fresh session, as each request has in production (here they share the test's).
        db.session.remove()
        seen_by_a_visitor = client.get(path)

    assert patched.status_code == 200, patched.json
    assert seen_by_staff.json["title"] == "New title"
    # The replica has not replayed the change yet: the visitor's read proves it served them.
    assert seen_by_a_visitor.json["title"] == "Old title"


def test_reads_fall_back_to_the_primary_when_the_replica_stops_with_one_warning(
    replica_app, clusters, ran, caplog
):
    make_product(title="Still on sale")
    client = replica_app.test_client()
    client.get("/api/v1/products/")
    db.session.remove()  # As at the end of every request in production.
    clusters[1].stop()
    try:
        with caplog.at_level(logging.WARNING, logger=routing.logger.name):
            answers = [client.get("/api/v1/products/") for _ in range(3)]
            ran["replica"].clear()
    finally:
        db.engines[REPLICA_BIND].dispose()
        clusters[1].start()

    assert [a.status_code for a in answers] == [200, 200, 200]
    assert all(a.json["count"] == 1 for a in answers)
    warnings = [r.message for r in caplog.records if r.name == routing.logger.name]
    assert warnings == [routing.REPLICA_DOWN]
    assert len(_reads_of(ran["primary"], "products")) >= 3


def test_metrics_report_the_replicas_lag(ran, replica_app):
    reply = replica_app.test_client().get("/metrics")
    lag = [
        sample.value
        for family in text_string_to_metric_families(reply.get_data(as_text=True))
        for sample in family.samples
        if sample.name == "ecom_db_replica_lag_seconds"
    ]

    assert lag == [0.0]  # `ran` waited until the replica had replayed everything.
