"""The job queue: Celery workers and beat on ``CELERY["broker_url"]``, or in process.

After a commit that wrote outbox rows, each row goes to the ``ecom.outbox.deliver`` task;
a failure is retried by the task itself after the row's backoff. Beat runs
``ecom.outbox.sweep`` every ``OUTBOX_SWEEP_SECONDS``: it hands over again the pending rows
nothing delivered (the broker was down, a worker died). Without a broker (the embedded
default) the rows are delivered in this process right after the commit, and ``flask
outbox sweep`` hands over what is left and runs the periodic checks beat would have run
(``Handlers.every_sweep``: promotions that started or ended). A worker serves its
metrics (deliveries, e-mails) over HTTP on ``WORKER_METRICS_PORT`` when set.
"""

import logging
import os
from datetime import timedelta

import redis
from celery import signals
from flask import Flask, current_app
from kombu.exceptions import KombuError
from prometheus_client import multiprocess, start_http_server

from ecom.common import outbox
from ecom.common.metrics import process_registry, scrape_also
from ecom.common.outbox_metrics import Backlog
from ecom.extensions import celery
from ecom.logging import outage_warnings

logger = logging.getLogger(__name__)

QUEUE_DOWN = "Job queue unavailable; outbox rows wait for the sweep."


def init_jobs(app: Flask) -> None:
    """Bind the Celery app to ``app`` (the Flask docs' pattern, on a module-level app)."""
    celery.conf.update(app.config["CELERY"])
    celery.flask_app = app
    app.extensions["celery"] = celery
    outbox.init_app(app, dispatch)
    scrape_also(app, Backlog())


def is_embedded() -> bool:
    return not current_app.config["CELERY"]["broker_url"]


def dispatch(message_ids: list[int]) -> None:
    """Hand rows to the queue; in process when there is none. A queue that is down is
    logged and left to the sweep."""
    if is_embedded():
        # A context of its own, as a worker's: a handler may use the database session
        # while the caller's is still finishing its commit.
        with current_app.app_context():
            for message_id in message_ids:
                outbox.deliver(message_id)
        return
    for message_id in message_ids:
        if not _publish(message_id):
            return


def _publish(message_id: int, countdown: float | None = None) -> bool:
    try:
        deliver_task.apply_async((message_id,), countdown=countdown)
    except (KombuError, redis.RedisError, OSError):
        outage_warnings.warn(logger, QUEUE_DOWN)
        return False
    return True


@signals.worker_ready.connect
def _serve_metrics(**_kwargs: object) -> None:
    port = celery.flask_app.config["WORKER_METRICS_PORT"]
    if port:
        start_http_server(port, registry=process_registry())


@signals.worker_process_shutdown.connect
def _forget_process_metrics(pid: int, **_kwargs: object) -> None:
    """A pool process that exits leaves the live gauges (multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(pid)


@celery.task(name="ecom.outbox.deliver")
def deliver_task(message_id: int) -> None:
    retry_in = outbox.deliver(message_id)
    if retry_in is not None:
        _publish(message_id, countdown=retry_in)


@celery.task(name="ecom.outbox.sweep")
def sweep_task() -> int:
    return sweep()


def sweep(older_than: timedelta | None = None) -> int:
    """Hand over pending, due rows older than the grace period; how many. On the embedded
    default, first run the periodic checks the domains registered (``every_sweep``)."""
    if is_embedded():
        for check in current_app.extensions["outbox"].sweep_checks:
            check()
    if older_than is None:
        older_than = timedelta(seconds=current_app.config["OUTBOX_SWEEP_GRACE_SECONDS"])
    message_ids = outbox.due_ids(older_than)
    dispatch(message_ids)
    return len(message_ids)
