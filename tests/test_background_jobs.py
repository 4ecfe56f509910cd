"""A real Celery worker and a real SMTP server on loopback: the outbox under faults.

Runs in the PostgreSQL + Redis pass (the worker is another process on the same database,
the broker is ``TEST_CELERY_BROKER_URL``); skipped without a broker that answers.
"""

import os
import socket
import time

import pytest
import redis
from sqlalchemy import func, select

from ecom.common.jobs import dispatch, sweep_task
from ecom.common.mail import message_id
from ecom.common.outbox import OutboxMessage
from ecom.extensions import db
from ecom.orders import emails
from tests.background import SmtpServer, Worker, broker_down, wait_for
from tests.factories import fill_cart, make_address, make_order, make_product
from tests.production_chain import free_port
from tests.workers import SERVER_STACKS

pytestmark = SERVER_STACKS


@pytest.fixture
def broker(app) -> str:
    url = app.config["CELERY"]["broker_url"]
    if not url or app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("Needs PostgreSQL and TEST_CELERY_BROKER_URL (the PostgreSQL + Redis pass).")
    client = redis.Redis.from_url(url, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip("The Celery broker does not answer (the dead-Redis pass).")
    if url == app.config["REDIS_URL"]:
        pytest.skip("TEST_CELERY_BROKER_URL must be a Redis database of its own.")
    client.flushdb()  # the jobs other tests queued, which no worker took
    return url


@pytest.fixture
def start_worker(broker, tmp_path):
    """``start_worker(smtp_port, **settings)`` → a running worker; every one is stopped at
    the end."""
    workers = []

    def start(smtp_port: int, **settings: str) -> Worker:
        log = tmp_path / f"worker-{len(workers)}.log"
        worker = Worker({**os.environ, **settings}, smtp_port, log)
        workers.append(worker)
        return worker.start()

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


# The order's confirmation (its live update is another row of the outbox).
MAIL = OutboxMessage.handler == emails.CONFIRMATION


def row_state() -> tuple[str, int]:
    query = select(OutboxMessage.state, OutboxMessage.attempts).where(MAIL)
    state = db.session.execute(query).one()
    db.session.commit()
    return tuple(state)


def states() -> dict[str, int]:
    query = select(OutboxMessage.state, func.count()).where(MAIL).group_by(OutboxMessage.state)
    counts = dict(db.session.execute(query).all())
    db.session.commit()
    return counts


def delivered_once(smtp: SmtpServer) -> None:
    """The row is done and the server holds exactly one message."""
    wait_for(lambda: row_state()[0] == "done", 30, "the row to be done")
    assert len(smtp.messages) == 1


def sweep_until_delivered(smtp: SmtpServer) -> None:
    """What beat does: ask the worker to sweep (every second here) until a message arrives."""

    def swept() -> bool:
        sweep_task.delay()
        time.sleep(1)
        return bool(smtp.messages)

    wait_for(swept, 30, "a swept row to be delivered")


def test_a_worker_sends_the_order_confirmation_over_smtp(customer, start_worker, smtp):
    start_worker(smtp.port)
    order = make_order(customer, (make_product(title="Teapot", price="20.00"), 2))
    [message] = smtp.wait_for_messages(1)
    assert message["To"] == customer.email
    assert message["Subject"].startswith(f"Order #{order.id} confirmed")
    assert message["Message-ID"] == message_id(f"{emails.CONFIRMATION}:{order.id}")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "2 x Teapot at $20.00 = $40.00" in text and "Teapot" in html
    delivered_once(smtp)


def test_smtp_down_while_ordering_the_order_succeeds_and_the_mail_arrives_once_later(
    client, customer, auth_headers, start_worker
):
    port = free_port()
    start_worker(port)
    make_address(customer)
    fill_cart(customer, (make_product(), 1))
    response = client.post("/api/v1/orders/", json={}, headers=auth_headers(customer))
    assert response.status_code == 201
    wait_for(lambda: row_state() == ("pending", 1), 30, "a failed first attempt")
    server = SmtpServer(port).start()
    try:
        server.wait_for_messages(1)
        delivered_once(server)
    finally:
        server.stop()


def test_with_redis_down_rows_wait_and_are_delivered_when_it_returns(
    app, customer, start_worker, smtp
):
    start_worker(smtp.port)
    with broker_down(app):
        make_order(customer, (make_product(), 1))
    assert row_state() == ("pending", 0)
    sweep_until_delivered(smtp)
    delivered_once(smtp)


def test_a_worker_killed_during_a_job_leaves_the_mail_to_the_next_once_its_lease_ends(
    customer, start_worker, smtp
):
    with socket.socket() as hung:  # accepts connections, never greets: the job hangs
        hung.bind(("127.0.0.1", 0))
        hung.listen()
        hung.settimeout(30)
        first = start_worker(hung.getsockname()[1], OUTBOX_LEASE_SECONDS="2")
        make_order(customer, (make_product(), 1))
        connection, _ = hung.accept()  # the worker is inside the job, under its lease
        first.kill()
        connection.close()
    assert row_state() == ("pending", 1)  # claimed, never recorded
    start_worker(smtp.port)
    sweep_until_delivered(smtp)
    delivered_once(smtp)


def test_two_workers_on_one_outbox_send_each_message_once_and_share_the_work(
    app, customer, start_worker, smtp
):
    workers = [start_worker(smtp.port), start_worker(smtp.port)]
    with broker_down(app):  # the rows wait, then go to the queue at once
        orders = [make_order(customer, (make_product(), 1)) for _ in range(20)]
    dispatch(list(db.session.scalars(select(OutboxMessage.id).where(MAIL))))

    smtp.wait_for_messages(20)
    wait_for(lambda: states() == {"done": 20}, 30, "every row to be done")
    assert sorted(message["Message-ID"] for message in smtp.messages) == sorted(
        message_id(f"{emails.CONFIRMATION}:{order.id}") for order in orders
    )
    delivered = [worker.metric("ecom_outbox_jobs_total", result="delivered") for worker in workers]
    sent = [worker.metric("ecom_emails_total", result="sent") for worker in workers]
    assert sum(delivered) == sum(sent) == 20
    assert all(delivered), f"one worker took every job: {delivered}"
