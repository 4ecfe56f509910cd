"""/metrics: Prometheus' text format, read back with prometheus-client's own parser after
real requests; served to METRICS_ALLOWED_IPS only. Under Gunicorn's workers (multiprocess
mode) it is proven by tests/test_metrics_workers.py."""

import os
import re
import sqlite3
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from prometheus_client import Gauge
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from config.fields import networks
from ecom.common import metrics, outbox
from ecom.common.metrics import MeteredQueuePool
from ecom.common.outbox import OutboxMessage
from ecom.extensions import db
from ecom.orders.emails import CONFIRMATION
from tests.factories import make_order, make_product, make_user, token_headers
from tests.production_chain import free_port

ROOT = Path(__file__).resolve().parent.parent
PRODUCT_ROUTE = "/api/v1/products/<int:product_id>/"


def scrape(client) -> dict[tuple[str, frozenset], float]:
    """Every sample of /metrics, keyed by name and labels."""
    reply = client.get("/metrics")
    assert reply.status_code == 200
    assert reply.content_type.startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(reply.get_data(as_text=True))
        for sample in family.samples
    }


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_requests_are_counted_and_timed_by_route_template_method_and_status(client):
    products = [make_product(), make_product()]
    before = scrape(client)

    for product in products:
        assert client.get(f"/api/v1/products/{product.id}/").status_code == 200
    assert client.get("/api/v1/products/999999/").status_code == 404
    after = scrape(client)

    ok = {"route": PRODUCT_ROUTE, "method": "GET", "status": "200"}
    missing = {**ok, "status": "404"}
    for labels, moved in ((ok, 2), (missing, 1)):
        for name in ("ecom_http_requests_total", "ecom_http_request_duration_seconds_count"):
            assert value(after, name, **labels) - value(before, name, **labels) == moved
    assert not any(
        dict(labels).get("route", "").startswith(f"/api/v1/products/{products[0].id}")
        for _, labels in after
    )


def test_an_unknown_path_is_one_series_whatever_the_path(client):
    before = scrape(client)
    for n in range(3):
        client.get(f"/no/such/page/{n}")
    after = scrape(client)

    labels = {"route": "<unmatched>", "method": "GET", "status": "404"}
    name = "ecom_http_requests_total"
    assert value(after, name, **labels) - value(before, name, **labels) == 3


def test_cache_hits_and_misses_are_counted(client, redis_alive):
    make_product()
    before = scrape(client)

    client.get("/api/v1/products/")
    client.get("/api/v1/products/")
    after = scrape(client)

    for result in ("miss", "hit"):
        name = "ecom_cache_lookups_total"
        assert value(after, name, result=result) - value(before, name, result=result) == 1


def test_rate_limit_refusals_are_counted(client, app, monkeypatch, redis_alive):
    monkeypatch.setitem(app.config, "RATELIMIT_LOGIN_FAILURES", "1/minute")
    before = scrape(client)

    answers = [
        client.post("/api/v1/auth/jwt/create/", json={"email": "x@example.com", "password": "x"})
        for _ in range(3)
    ]
    after = scrape(client)

    assert [a.status_code for a in answers][1:] == [429, 429]
    name = "ecom_rate_limited_total"
    assert value(after, name) - value(before, name) == 2


def test_a_request_refused_before_its_view_runs_is_counted(client, app, monkeypatch, redis_alive):
    monkeypatch.setitem(app.config, "RATELIMIT_READS", "1/minute")
    before = scrape(client)

    statuses = [client.get("/api/v1/categories/").status_code for _ in range(2)]
    after = scrape(client)

    assert statuses == [200, 429]
    refused = {"route": "/api/v1/categories/", "method": "GET", "status": "429"}
    for name in ("ecom_http_requests_total", "ecom_http_request_duration_seconds_count"):
        assert value(after, name, **refused) - value(before, name, **refused) == 1


def test_orders_placed_cancelled_and_payments_are_counted(client, embedded_jobs):
    # Jobs in process: the cancelled paid order's refund is confirmed before the scrape.
    customer, staff = make_user(), make_user("staff")
    product = make_product(stock=5)
    before = scrape(client)

    make_order(customer, (product, 1), statuses=("paid", "cancelled"), actor=staff)
    order = make_order(customer, (product, 1))
    assert client.post(
        f"/api/v1/orders/{order.id}/cancel/", headers=token_headers(customer)
    ).status_code in (200, 201)
    after = scrape(client)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("ecom_orders_total", event="placed") == 2
    assert moved("ecom_orders_total", event="cancelled") == 2
    assert moved("ecom_payments_total", status="paid") == 1
    assert moved("ecom_payments_total", status="refunded") == 1


def test_outbox_backlog_deliveries_failures_and_e_mails_are_counted(
    client, app, customer, mailbox, queue_down, monkeypatch
):
    before = scrape(client)
    for _ in range(2):
        make_order(customer, (make_product(), 1))  # the queue is down: the rows wait
    # The confirmations alone (each order's live update is another row): e-mails are counted.
    db.session.execute(db.delete(OutboxMessage).where(OutboxMessage.handler != CONFIRMATION))
    db.session.execute(
        db.update(OutboxMessage).values(next_attempt_at=outbox.utcnow() - timedelta(minutes=1))
    )
    db.session.commit()
    waiting = scrape(client)
    sent, failing = db.session.scalars(select(OutboxMessage.id).order_by(OutboxMessage.id))

    outbox.deliver(sent)
    monkeypatch.setitem(app.config, "OUTBOX_MAX_ATTEMPTS", 1)
    mailman = app.extensions["mailman"]
    monkeypatch.setattr(mailman, "backend", "smtp")  # to a port where nothing listens
    monkeypatch.setattr(mailman, "server", "127.0.0.1")
    monkeypatch.setattr(mailman, "port", free_port())
    outbox.deliver(failing)
    after = scrape(client)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert (value(before, "ecom_outbox_pending"), value(waiting, "ecom_outbox_pending")) == (0, 2)
    assert value(waiting, "ecom_outbox_oldest_pending_age_seconds") >= 60
    assert value(after, "ecom_outbox_pending") == 0
    assert value(after, "ecom_outbox_oldest_pending_age_seconds") == 0
    assert value(after, "ecom_outbox_failed") - value(before, "ecom_outbox_failed") == 1
    assert moved("ecom_outbox_jobs_total", result="delivered") == 1
    assert moved("ecom_outbox_jobs_total", result="failed") == 1
    assert moved("ecom_emails_total", result="sent") == 1
    assert moved("ecom_emails_total", result="failed") == 1
    assert len(mailbox) == 1


@pytest.mark.committed  # the rolled-back transaction holds a connection of its own
def test_the_pool_gauge_counts_connections_checked_out(client):
    before = value(scrape(client), "ecom_db_pool_connections_in_use", database="primary")
    with db.engine.connect():
        during = value(scrape(client), "ecom_db_pool_connections_in_use", database="primary")
    after = value(scrape(client), "ecom_db_pool_connections_in_use", database="primary")

    assert during == before + 1
    assert after == before


@pytest.mark.parametrize("address", ["203.0.113.9", "10.1.2.3"])
def test_metrics_are_not_found_from_an_address_not_allowed(client, address):
    reply = client.get("/metrics", environ_base={"REMOTE_ADDR": address})

    assert reply.status_code == 404
    assert b"ecom_http" not in reply.data


def test_metrics_are_served_to_an_allowed_network(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_ALLOWED_IPS", networks(["10.0.0.0/8"]))

    reply = client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"})

    assert reply.status_code == 200
    assert b"ecom_http_requests_total" in reply.data


def test_the_alert_rules_use_only_metrics_the_app_exports(client):
    rules = (ROOT / "prometheus" / "alerts.yml").read_text()
    client.get("/api/v1/products/")
    exported = {name for name, _ in scrape(client)}

    # The replica's lag is exported when there is a replica: tests/test_read_replica.py.
    used = set(re.findall(r"\becom_\w+", rules)) - {"ecom_db_replica_lag_seconds"}

    assert used
    assert used <= exported


@pytest.mark.committed
def test_a_thread_waiting_for_a_pool_connection_is_counted(client):
    pool = MeteredQueuePool(
        lambda: sqlite3.connect(":memory:", check_same_thread=False), pool_size=1, max_overflow=0
    )
    held = pool.connect()
    waiter = threading.Thread(target=lambda: pool.connect().close())
    before = value(scrape(client), "ecom_db_pool_waiting")

    waiter.start()
    for _ in range(200):  # Until the waiter is inside the checkout.
        if value(scrape(client), "ecom_db_pool_waiting") != before:
            break
        waiter.join(timeout=0.05)
    waiting = value(scrape(client), "ecom_db_pool_waiting")
    held.close()
    waiter.join()

    assert waiting == before + 1
    assert value(scrape(client), "ecom_db_pool_waiting") == before


def test_the_postgresql_pools_are_metered(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite keeps SQLAlchemy's default pool: runs in the PostgreSQL pass.")
    assert isinstance(db.engine.pool, MeteredQueuePool)
    assert db.engine.pool.size() == app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_size"]


def test_the_content_type_names_the_format_version_and_charset_once_each(client):
    # Prometheus 3 refuses a Content-Type it cannot parse, such as one with two charsets.
    reply = client.get("/metrics")

    assert reply.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"


def test_every_gauge_says_how_the_workers_values_add_up():
    gauges = [value for value in vars(metrics).values() if isinstance(value, Gauge)]

    # Gauge's default, "all", would export one series per worker process.
    assert gauges
    assert all(gauge._multiprocess_mode != "all" for gauge in gauges)


def test_a_metrics_directory_set_after_prometheus_client_was_imported_stops_the_start(tmp_path):
    late = (
        "import os, sys, prometheus_client\n"
        "os.environ['PROMETHEUS_MULTIPROC_DIR'] = sys.argv[1]\n"
        "import ecom.common.metrics\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}

    started = subprocess.run(
        [sys.executable, "-c", late, str(tmp_path)], cwd=ROOT, env=env, capture_output=True
    )

    assert started.returncode == 1
    assert b"PROMETHEUS_MULTIPROC_DIR was set after prometheus_client" in started.stderr
