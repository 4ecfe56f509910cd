"""Prometheus metrics, and ``/metrics`` for the addresses in ``METRICS_ALLOWED_IPS``.

Under Gunicorn every worker writes its samples to files in ``PROMETHEUS_MULTIPROC_DIR``
(gunicorn.conf.py sets and empties it) and ``/metrics`` adds up every worker's (gauges:
the live workers'); without it (``flask run``, tests) the process's own registry
answers. Celery workers serve
theirs on ``WORKER_METRICS_PORT`` (``ecom.common.jobs``); what the database
tells (the outbox's backlog, the replica's lag) is read at each scrape of ``/metrics``. Requests are
labelled by route template (``/api/v1/products/<int:product_id>/``), never the raw path,
so a scanner's random URLs cannot make new series.
"""

import math
import os
import time
from collections.abc import Iterator

from flask import Flask, Response, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
    values,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine, QueuePool, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import ConnectionPoolEntry

from config import REPLICA_BIND
from config.fields import address_in

METRICS_PATH = "/metrics"
REPLICA_LAG_SQL = (
    "SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
    " ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp()) END"
)
SCRAPE_COLLECTORS = "metrics_scrape_collectors"
UNMATCHED_ROUTE = "<unmatched>"


def _multiprocess_mode() -> bool:
    """Whether this process writes its samples to ``PROMETHEUS_MULTIPROC_DIR``'s files.

    prometheus_client chooses once, when it is first imported: a directory set after that
    would leave every sample in this process's memory while /metrics read the empty files.
    """
    writes_files = values.ValueClass is not values.MutexValue
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR") and not writes_files:
        raise RuntimeError(
            "PROMETHEUS_MULTIPROC_DIR was set after prometheus_client was imported:"
            " set it before anything imports prometheus_client."
        )
    return writes_files


MULTIPROCESS = _multiprocess_mode()

HTTP_REQUESTS = Counter("ecom_http_requests", "Requests answered.", ["route", "method", "status"])
HTTP_LATENCY = Histogram(
    "ecom_http_request_duration_seconds",
    "Time from the app receiving a request to its answer.",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
DB_CONNECTIONS_IN_USE = Gauge(
    "ecom_db_pool_connections_in_use",
    "Connections checked out of the pools.",
    ["database"],
    multiprocess_mode="livesum",
)
DB_POOL_SIZE = Gauge(
    "ecom_db_pool_size",
    "Connections the pools keep open (DB_POOL_SIZE); up to DB_POOL_MAX_OVERFLOW more.",
    ["database"],
    multiprocess_mode="livesum",
)
DB_POOL_WAITING = Gauge(
    "ecom_db_pool_waiting",
    "Threads waiting for a connection from a pool (PostgreSQL).",
    multiprocess_mode="livesum",
)
CACHE_LOOKUPS = Counter("ecom_cache_lookups", "Cached-response lookups.", ["result"])
RATE_LIMITED = Counter("ecom_rate_limited", "Requests refused by a rate limit.")
ORDERS = Counter("ecom_orders", "Orders placed, and orders moved to a status.", ["event"])
PAYMENTS = Counter("ecom_payments", "Orders whose payment moved to a status.", ["status"])
FULFILMENTS = Counter("ecom_fulfilments", "Parcels shipped and delivered.", ["event"])
OUTBOX_JOBS = Counter(
    "ecom_outbox_jobs",
    "Outbox deliveries: delivered, retried (failed, tried again later), failed (for good).",
    ["result"],
)
EMAILS = Counter("ecom_emails", "E-mails handed to the mail server, sent or failed.", ["result"])
# (route, method, status) → its request counter and latency histogram, looked up once:
# as few as the routes, methods and statuses, since the route is the rule, not the path.
_request_series: dict[tuple[str, str, int], tuple] = {}


class MeteredQueuePool(QueuePool):
    """SQLAlchemy's QueuePool, counting the threads inside a checkout (waiting for a
    connection when the pool and its overflow are all in use)."""

    def _do_get(self) -> ConnectionPoolEntry:
        with DB_POOL_WAITING.track_inprogress():
            return super()._do_get()


def meter_pools(config: dict) -> None:
    """Use ``MeteredQueuePool`` for the sized pools (PostgreSQL: DB_POOL_*) in ``config``."""
    engines = [config["SQLALCHEMY_ENGINE_OPTIONS"], *config["SQLALCHEMY_BINDS"].values()]
    for options in engines:
        if "pool_size" in options:
            options["poolclass"] = MeteredQueuePool


def register_metrics(app: Flask) -> None:
    """Time every request, watch the database pools, and serve ``/metrics``."""
    # First of all: a hook that answers early (a rate limit's 429) must be timed too.
    app.before_request_funcs.setdefault(None, []).insert(0, _start_timer)
    app.after_request(_observe)
    app.add_url_rule(METRICS_PATH, "metrics", metrics_view)
    with app.app_context():
        engines = app.extensions["sqlalchemy"].engines
        for name, engine in engines.items():
            _watch_pool(engine, name or "primary")


def _start_timer() -> None:
    g.metrics_started = time.perf_counter()


def _observe(response: Response) -> Response:
    started = g.pop("metrics_started", None)
    if started is None:
        return response
    rule = request.url_rule
    route = rule.rule if rule else UNMATCHED_ROUTE
    observe_request(route, request.method, response.status_code, time.perf_counter() - started)
    return response


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    """Count a request answered and its time, labelled by its route's template."""
    labels = (route, method, status)
    series = _request_series.get(labels)
    if series is None:
        names = (route, method, str(status))
        series = (HTTP_REQUESTS.labels(*names), HTTP_LATENCY.labels(*names))
        _request_series[labels] = series
    series[0].inc()
    series[1].observe(seconds)


def _watch_pool(engine: Engine, name: str) -> None:
    in_use, size = DB_CONNECTIONS_IN_USE.labels(name), DB_POOL_SIZE.labels(name)
    if isinstance(engine.pool, QueuePool):
        # On connecting: a Gunicorn worker reports it, not the master that built the app.
        event.listen(engine.pool, "connect", lambda *_args: size.set(engine.pool.size()))
    event.listen(engine.pool, "checkout", lambda *_args: in_use.inc())
    event.listen(engine.pool, "checkin", lambda *_args: in_use.dec())


class ReplicaLag:
    """How far the read replica's replay is behind, asked of the replica at each scrape."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            with self.engine.connect() as conn:
                lag = conn.exec_driver_sql(REPLICA_LAG_SQL).scalar()
        except DBAPIError:
            lag = math.nan
        yield GaugeMetricFamily(
            "ecom_db_replica_lag_seconds",
            "Age of the last transaction the replica replayed, 0 when it has all it received.",
            value=float(lag),
        )


def scrape_also(app: Flask, collector: Collector) -> None:
    """Have ``collector`` answer at each scrape of ``/metrics`` (in the request's context)."""
    app.extensions.setdefault(SCRAPE_COLLECTORS, []).append(collector)


def process_registry() -> CollectorRegistry:
    """This process's metrics, or every process's in multiprocess mode."""
    if not MULTIPROCESS:
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


def metrics_view() -> Response:
    """Every metric in Prometheus' text format, for the allowed addresses only (else 404)."""
    if not address_in(request.remote_addr, current_app.config["METRICS_ALLOWED_IPS"]):
        abort(404)
    engines = current_app.extensions["sqlalchemy"].engines
    database = CollectorRegistry()
    for collector in current_app.extensions.get(SCRAPE_COLLECTORS, ()):
        database.register(collector)
    registries = [process_registry(), database]
    replica = engines.get(REPLICA_BIND)
    if replica is not None:
        database.register(ReplicaLag(replica))
    body = b"".join(generate_latest(registry) for registry in registries)
    # As is: a mimetype would have Werkzeug append a second charset, which Prometheus 3
    # refuses to parse.
    return Response(body, content_type=CONTENT_TYPE_PLAIN_0_0_4)
