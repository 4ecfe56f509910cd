"""Gunicorn settings for production: ``gunicorn -c gunicorn.conf.py wsgi:app``.

Every value can be overridden on the command line or through ``GUNICORN_CMD_ARGS``.
"""

import glob
import os
import shutil
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from gunicorn.glogging import Logger

sys.path.insert(0, str(Path(__file__).resolve().parent))


def fresh_metrics_dir() -> str:
    """``PROMETHEUS_MULTIPROC_DIR`` emptied of an earlier run's files (they would be added
    in), or a new temporary directory."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or tempfile.mkdtemp(prefix="ecom-")
    os.makedirs(directory, exist_ok=True)
    for path in glob.glob(os.path.join(directory, "*.db")):
        os.remove(path)
    return directory


# Prometheus' multiprocess mode: each worker writes its metrics to files there and /metrics
# adds them up. prometheus_client reads it once, when first imported, so it is set before
# the imports below reach it (the workers inherit it); ecom.common.metrics refuses to start
# if it was set too late.
os.environ["PROMETHEUS_MULTIPROC_DIR"] = fresh_metrics_dir()

from prometheus_client import multiprocess  # noqa: E402

from config.fields import address_in, comma_list, networks  # noqa: E402
from ecom.extensions import db  # noqa: E402  (needs the project on sys.path)
from ecom.logging import (  # noqa: E402
    ENVIRON_REQUEST_ID,
    ENVIRON_USER_ID,
    JsonFormatter,
)


def default_workers() -> int:
    """``WEB_CONCURRENCY``, else twice the CPUs this process may use, plus one."""
    if os.environ.get("WEB_CONCURRENCY"):
        return int(os.environ["WEB_CONCURRENCY"])
    return 2 * len(os.sched_getaffinity(0)) + 1


bind = [os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")]
workers = default_workers()
# Chosen by measurement on two cores (docs/PERFORMANCE.md, "Gunicorn"): sync workers, two
# per CPU plus one, behind Nginx (which buffers slow clients). Each request is a new
# connection that the kernel hands to an idle worker, so the load spreads over every
# worker. gthread keeps a keep-alive connection on the worker that accepted it: all 16 of
# a client's connections often sat on one worker, which served them alone at 0.4× the
# rate, and its p99 was 2-15× sync's. A worker waiting on PostgreSQL (a checkout's row
# lock) leaves the other four serving. GUNICORN_THREADS above 1 makes them gthread
# workers (Gunicorn's rule).
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))

# The real-time service (`ECOM_SERVICE=realtime`: Socket.IO over WebSocket) holds each
# connection open in a thread: one process, as many threads as connections it may keep.
# Every process reads the shared Redis stream, so more connections mean more instances.
if os.environ.get("ECOM_SERVICE") == "realtime":
    workers = 1
    worker_class = "gthread"
    threads = int(os.environ.get("REALTIME_CONNECTIONS", "1000"))
    worker_connections = threads

# A worker silent for `timeout` seconds is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On SIGTERM, workers finish in-flight requests for up to this long (Compose waits
# `stop_grace_period`, set above it, before SIGKILL).
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# For gthread only (sync answers `Connection: close`): longer than Nginx's upstream
# keepalive_timeout (60 s), so Gunicorn never closes a connection Nginx is about to reuse.
keepalive = 65
# No recycling by request count: a recycle costs a fork and a cold worker, and no leak
# has been seen (GUNICORN_MAX_REQUESTS turns it on, e.g. while one is investigated).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
# Import the app once, in the master: workers are forked ready (sharing its pages), so a
# recycled worker costs a fork instead of a fresh import of the whole app (about 1.5 s of
# CPU, which under load took a quarter of a 2-core machine). post_fork below gives each
# worker its own database connections.
preload_app = True
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Only the reverse proxy may set X-Forwarded-Proto (the Compose network, or loopback).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

loglevel = os.environ.get("LOG_LEVEL", "info").lower()
errorlog = "-"
# One JSON line per request. By default it is the app's own (logger "ecom.request", on
# stderr). GUNICORN_ACCESS_LOG ("-" for stdout, or a file) makes Gunicorn write it instead,
# with the same keys, and turns the app's line off so no request is logged twice.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
raw_env = ["REQUEST_LOG=false"] if accesslog else []


def _trusted(address: str, allowed: str) -> bool:
    """Whether ``address`` is one of the comma-separated addresses or networks in ``allowed``."""
    return allowed.strip() == "*" or address_in(address, networks(comma_list(allowed)))


def client_ip(environ: dict, peer: str, allowed: str) -> str:
    """The client's address: the one the trusted proxy appended to X-Forwarded-For."""
    forwarded = environ.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and _trusted(peer, allowed):
        return forwarded.split(",")[-1].strip()
    return peer


def _milliseconds(elapsed: timedelta) -> float:
    return round(elapsed.total_seconds() * 1000, 2)


class JsonLogger(Logger):
    """Gunicorn's logs as JSON lines, the access line with the app's request-log keys."""

    def setup(self, cfg) -> None:  # noqa: ANN001  (gunicorn's Config)
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(JsonFormatter())

    def access(self, resp, req, environ: dict, request_time: timedelta) -> None:  # noqa: ANN001
        if not self.access_log_enabled:
            return
        self.access_log.info(
            "%s %s %s",
            environ.get("REQUEST_METHOD"),
            environ.get("PATH_INFO"),
            resp.status_code,
            extra={"fields": access_fields(resp, environ, request_time, self.cfg)},
        )


def access_fields(resp, environ: dict, elapsed: timedelta, cfg) -> dict:  # noqa: ANN001
    peer = environ.get("werkzeug.proxy_fix.orig", environ).get("REMOTE_ADDR", "")
    headers = {name.lower(): value for name, value in resp.headers}
    return {
        "request_id": environ.get(ENVIRON_REQUEST_ID)
        or headers.get("x-request-id")
        or environ.get("HTTP_X_REQUEST_ID"),
        "method": environ.get("REQUEST_METHOD"),
        "path": environ.get("PATH_INFO"),
        "status": resp.status_code,
        "duration_ms": _milliseconds(elapsed),
        "user_id": environ.get(ENVIRON_USER_ID),
        "client_ip": client_ip(environ, peer, ",".join(cfg.forwarded_allow_ips)),
    }


logger_class = JsonLogger


def on_exit(server) -> None:  # noqa: ANN001  (gunicorn's Arbiter)
    """Remove the metrics files with the server that wrote them."""
    shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)


def child_exit(server, worker) -> None:  # noqa: ANN001  (gunicorn's Arbiter and Worker)
    """Drop a dead worker's live gauges (its counters and histograms stay in the totals)."""
    multiprocess.mark_process_dead(worker.pid)


def post_fork(server, worker) -> None:  # noqa: ANN001  (gunicorn's Arbiter and Worker)
    """Drop database connections inherited from the master: a forked worker must open its
    own (Redis clients notice the new process by themselves)."""
    app = worker.app.wsgi()
    if "sqlalchemy" not in getattr(app, "extensions", {}):
        return
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)
