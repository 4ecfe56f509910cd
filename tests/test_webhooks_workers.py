"""Webhooks delivered by two real Celery workers (PostgreSQL + Redis pass): every event
reaches the loopback receiver exactly once, though each job is handed over twice and some
answers ask for a retry."""

import os
import threading
import time

import pytest
from sqlalchemy import select

from ecom.common.jobs import dispatch
from ecom.common.outbox import OutboxMessage
from ecom.extensions import db
from tests.background import Worker, wait_for
from tests.factories import make_product
from tests.production_chain import free_port
from tests.test_background_jobs import broker  # noqa: F401  (the fixture)
from tests.webhook_receiver import Receiver
from tests.webhooks import deliveries, subscribe
from tests.workers import SERVER_STACKS

pytestmark = SERVER_STACKS

EVENTS = 12


@pytest.fixture
def receiver():
    started = Receiver().start()
    yield started
    started.stop()


@pytest.fixture
def two_workers(broker, tmp_path):  # noqa: F811
    env = {**os.environ, "WEBHOOK_RETRY_BASE_SECONDS": "0.2", "WEBHOOK_RETRY_MAX_SECONDS": "1"}
    workers = [Worker(env, free_port(), tmp_path / f"worker-{n}.log") for n in range(2)]
    for worker in workers:  # both start side by side
        worker.launch()
    for worker in workers:
        worker.wait_ready()
    yield workers
    stopping = [threading.Thread(target=worker.stop) for worker in workers]
    for thread in stopping:
        thread.start()
    for thread in stopping:
        thread.join()


def test_two_workers_deliver_each_event_exactly_once(receiver, two_workers):
    path = "/two-workers"
    subscription = subscribe(receiver, path, "product.created")
    receiver.plan(path, 503, (429, {"Retry-After": "1"}), 500)
    products = [make_product() for _ in range(EVENTS)]
    dispatch(list(db.session.scalars(select(OutboxMessage.id))))  # every job handed over twice
    db.session.commit()
    wait_for(lambda: len(receiver.bodies(path)) >= EVENTS, 30, f"{EVENTS} deliveries")
    time.sleep(1)  # room for a duplicate, which must not come
    assert len(receiver.ids(path)) == len(set(receiver.ids(path))) == EVENTS
    got = sorted(body["data"]["product_id"] for body in receiver.bodies(path))
    assert got == sorted(product.id for product in products)
    wait_for(
        lambda: all(d.state == "succeeded" for d in deliveries(subscription.id)),
        10,
        "every delivery recorded",
    )
    db.session.commit()
    assert receiver.forged == []
