"""The transactional outbox: rows commit with the change, deliver once, retry, then fail."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ecom.cart.services import InsufficientStock
from ecom.common import jobs, outbox
from ecom.common.errors import Conflict
from ecom.common.outbox import OutboxMessage
from ecom.extensions import db
from ecom.orders import emails, placing
from tests.factories import (
    fill_cart,
    fill_cart_with_variants,
    make_address,
    make_order,
    make_product,
    make_sized_product,
    set_variant,
)
from tests.production_chain import free_port


def rows(handler: str | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if handler:
        query = query.where(OutboxMessage.handler == handler)
    return list(db.session.scalars(query))


@pytest.fixture
def smtp_down(app, monkeypatch):
    """E-mail goes over SMTP to a loopback port where nothing listens."""
    state = app.extensions["mailman"]
    monkeypatch.setattr(state, "backend", "smtp")
    monkeypatch.setattr(state, "server", "127.0.0.1")
    monkeypatch.setattr(state, "port", free_port())
    monkeypatch.setattr(state, "timeout", 2)


def test_checkout_writes_its_confirmation_row_in_the_same_transaction(customer, queue_down):
    order = make_order(customer, (make_product(price="12.50"), 2))
    [row] = rows(emails.CONFIRMATION)
    assert row.key == f"{emails.CONFIRMATION}:{order.id}"
    assert row.state == "pending"
    assert row.payload["totals"][-1] == {"kind": "total", "name": "", "amount": "25.00"}
    assert row.payload["language"] is None  # the account follows the shop's default
    assert row.payload["lines"] == [
        {
            "title": order.items[0].title,
            "sku": order.items[0].sku,
            "variant_label": "",
            "quantity": 2,
            "unit_price": "12.50",
            "subtotal": "25.00",
            "discount": "0.00",
            "tax_rate": "0",
        }
    ]
    assert row.payload["address"]["city"] == "London"


def test_a_rolled_back_checkout_writes_no_row_and_sends_nothing(customer, embedded_jobs):
    make_address(customer)
    products = [make_product(stock=1), make_product(stock=1)]
    fill_cart(customer, *((product, 1) for product in products))
    for product in products:
        set_variant(product, stock_quantity=0)
    with pytest.raises(InsufficientStock):
        placing.checkout(customer)
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    assert embedded_jobs == []


def test_embedded_jobs_send_the_confirmation_right_after_the_commit(customer, embedded_jobs):
    order = make_order(customer, (make_product(title="Blue kettle", price="30.00"), 1))
    [message] = embedded_jobs
    assert message.to == [customer.email]
    assert message.subject.startswith(f"Order #{order.id} confirmed")
    assert "1 x Blue kettle at $30.00 = $30.00" in message.body
    assert "Total: $30.00" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "Blue kettle" in html and "SW1Y 4JH" in html
    assert rows(emails.CONFIRMATION)[0].state == "done"


def test_the_confirmation_names_each_lines_variant_and_sku(customer, embedded_jobs):
    product = make_sized_product("S", "XL", title="Hoodie", price="40.00")
    make_address(customer)
    fill_cart_with_variants(customer, (product.variants[1], 1))
    placing.checkout(customer)
    [message] = embedded_jobs
    assert "1 x Hoodie (XL) at $40.00 = $40.00" in message.body
    assert f"SKU P{product.id}-XL" in message.body
    html, _ = message.alternatives[0]
    assert "Hoodie (XL)" in html and f"SKU P{product.id}-XL" in html


def test_a_row_delivered_twice_sends_one_message(customer, mailbox, queue_down):
    make_order(customer, (make_product(), 1))
    [row] = rows(emails.CONFIRMATION)
    outbox.deliver(row.id)
    outbox.deliver(row.id)
    assert len(mailbox) == 1
    db.session.refresh(row)
    assert (row.state, row.attempts) == ("done", 1)


def test_status_changes_tell_the_customer_and_a_paid_cancellation_says_refunded(
    staff, customer, embedded_jobs
):
    make_order(customer, (make_product(), 1), statuses=("paid", "cancelled"), actor=staff)
    statuses = [row.payload["status"] for row in rows(emails.STATUS_CHANGED)]
    assert statuses == ["paid", "cancelled", "refunded"]


def test_a_failing_delivery_backs_off_then_fails_with_its_last_error(
    app, customer, smtp_down, queue_down
):
    make_order(customer, (make_product(), 1))
    [row] = rows(emails.CONFIRMATION)
    max_attempts = app.config["OUTBOX_MAX_ATTEMPTS"]
    delays = []
    for _attempt in range(max_attempts):
        db.session.execute(
            db.update(OutboxMessage).values(next_attempt_at=outbox.utcnow() - timedelta(1))
        )
        db.session.commit()
        delays.append(outbox.deliver(row.id))
    db.session.refresh(row)
    base = app.config["OUTBOX_RETRY_BASE_SECONDS"]
    assert delays == [base * 2**n for n in range(max_attempts - 1)] + [None]
    assert (row.state, row.attempts) == ("failed", max_attempts)
    assert "ConnectionRefusedError" in row.last_error


def test_a_retried_failed_row_is_delivered(customer, mailbox, queue_down, monkeypatch, app):
    make_order(customer, (make_product(), 1))
    [row] = rows(emails.CONFIRMATION)
    db.session.execute(db.update(OutboxMessage).values(state="failed", last_error="SMTP down"))
    db.session.commit()
    monkeypatch.setitem(app.config["CELERY"], "broker_url", None)
    outbox.retry(row.id)
    assert len(mailbox) == 1
    assert rows(emails.CONFIRMATION)[0].state == "done"
    with pytest.raises(Conflict):
        outbox.retry(row.id)


def test_rows_wait_while_the_queue_is_down_and_the_sweep_delivers_them_later(
    customer, mailbox, queue_down, monkeypatch, app
):
    make_order(customer, (make_product(), 1))
    waiting = rows()  # the confirmation, and the order's live update
    assert {row.state for row in waiting} == {"pending"}
    monkeypatch.setitem(app.config["CELERY"], "broker_url", None)
    assert jobs.sweep() == 0  # younger than the grace period: its hand-over may be under way
    assert jobs.sweep(older_than=timedelta(0)) == len(waiting)
    assert len(mailbox) == 1
    assert jobs.sweep(older_than=timedelta(0)) == 0
