"""Payments with a real Celery worker and a real SMTP server (PostgreSQL + Redis pass):
the dummy's webhook, its e-mail once, and beat's expiry of unpaid orders (a real ``celery
beat`` on a one-second schedule) with a late payment refunded."""

import os
import time
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from ecom.catalog.models import Product
from ecom.common.jobs import sweep_task
from ecom.common.models import utcnow
from ecom.extensions import db
from ecom.orders.models import Order
from ecom.payments.jobs import expire_unpaid_task
from ecom.payments.models import Payment
from tests.background import Beat, SmtpServer, Worker, wait_for
from tests.payments import pay, pending_order, planned_webhooks, post_webhook
from tests.test_background_jobs import broker  # noqa: F401  (the fixture)
from tests.workers import SERVER_STACKS

pytestmark = SERVER_STACKS


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def worker(broker, smtp, tmp_path):  # noqa: F811
    env = {**os.environ, "PAYMENT_TIMEOUT_MINUTES": "1"}
    started = Worker(env, smtp.port, tmp_path / "worker.log").start()
    yield started
    started.stop()


def fresh(model, id_):
    db.session.expire_all()
    found = db.session.get(model, id_)
    db.session.commit()
    return found


def subjects(smtp) -> list[str]:
    return [message["Subject"].split(" |")[0] for message in smtp.messages]


def test_the_worker_delivers_the_dummy_webhook_and_one_payment_e_mail(
    client, customer, worker, smtp
):
    order, _ = pending_order(customer)
    payment_id = pay(client, customer, order).json["id"]
    wait_for(lambda: fresh(Order, order.id).status == "paid", 30, "the order to be paid")
    (body,) = planned_webhooks(payment_id)
    assert post_webhook(client, body).json == {"received": 0}  # delivered again: no change
    smtp.wait_for_messages(2)
    time.sleep(1)  # room for a second payment e-mail, which must not come
    assert sorted(subjects(smtp)) == sorted(
        [f"Order #{order.id} confirmed", f"Order #{order.id}: paid"]
    )


def test_beat_expires_an_unpaid_order_and_a_late_success_is_refunded(
    app, client, customer, worker, monkeypatch
):
    monkeypatch.setitem(app.config, "DUMMY_DELAY_SECONDS", 2)
    order, product = pending_order(customer, quantity=2)
    payment_id = pay(client, customer, order, token="tok_delayed").json["id"]
    db.session.execute(
        update(Order).where(Order.id == order.id).values(created_at=utcnow().replace(year=2020))
    )
    db.session.commit()
    expire_unpaid_task.delay()  # what beat sends every PAYMENT_EXPIRY_SECONDS
    wait_for(lambda: fresh(Order, order.id).status == "cancelled", 30, "the order to expire")
    stock = db.session.scalar(select(Product.stock_quantity).where(Product.id == product.id))
    assert stock == 10

    def swept_and_refunded() -> bool:
        sweep_task.delay()  # beat's sweep hands over the delayed webhook once it is due
        time.sleep(1)
        return fresh(Payment, payment_id).status == "refunded"

    wait_for(swept_and_refunded, 30, "the late payment to be refunded")
    assert fresh(Payment, payment_id).flag == "order_not_payable"
    assert fresh(Order, order.id).status == "cancelled"


def test_a_real_beat_expires_an_unpaid_order_and_returns_its_stock(
    customer, worker, smtp, tmp_path
):
    order, product = pending_order(customer, quantity=3)
    placed = utcnow() - timedelta(minutes=2)  # PAYMENT_TIMEOUT_MINUTES is 1 for the worker
    db.session.execute(update(Order).where(Order.id == order.id).values(created_at=placed))
    db.session.commit()
    env = {**os.environ, "PAYMENT_EXPIRY_SECONDS": "1"}
    beat = Beat(env, smtp.port, tmp_path / "beat.log").start()
    try:
        wait_for(lambda: fresh(Order, order.id).status == "cancelled", 15, "beat's expiry")
    finally:
        beat.stop()
    assert "Not paid within 1 minutes." in fresh(Order, order.id).history[-1].note
    stock = db.session.scalar(select(Product.stock_quantity).where(Product.id == product.id))
    assert stock == 10
