"""Payments under concurrency, proven on PostgreSQL with real threads and row locks."""

import pytest
from sqlalchemy import select

from ecom.catalog.models import Product
from ecom.common.outbox import OutboxMessage
from ecom.extensions import db
from ecom.orders import emails, transitions
from ecom.orders.models import Order
from ecom.payments import refunds, services, webhooks
from ecom.payments.models import Payment
from tests.concurrency import CREATED, run_each, run_together, skip_unless_postgres
from tests.payments import count, dummy, pending_order, planned_webhooks, reload

# Threads with a connection each: their commits must be real.
pytestmark = pytest.mark.committed


def deliver(body: str):
    raw = body.encode()
    return lambda _user: webhooks.receive("dummy", raw, dummy().signature_headers(raw))


def order_of(order_id) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order_id)


def test_two_pay_calls_with_one_key_at_once_make_one_payment(app, customer):
    skip_unless_postgres()
    order, _ = pending_order(customer)

    def pay(user):
        services.start_payment(user, order.id, request_key="same-key")

    assert run_together(app, [customer.id] * 4, pay) == [CREATED] * 4
    assert count(Payment) == 1


def test_a_webhook_delivered_twice_at_once_moves_the_order_once_with_one_e_mail(
    app, customer, queue_down
):
    skip_unless_postgres()
    order, _ = pending_order(customer)
    payment, _ = services.start_payment(customer, order.id)
    (body,) = planned_webhooks(payment.id)
    assert run_together(app, [customer.id] * 3, deliver(body)) == [CREATED] * 3
    assert [change.to_status for change in order_of(order.id).history] == ["pending", "paid"]
    mails = select(OutboxMessage.key).where(OutboxMessage.handler == emails.STATUS_CHANGED)
    assert db.session.scalars(mails).all() == [f"{emails.STATUS_CHANGED}:{order.id}:paid"]
    assert reload(payment.id).status == "captured"


def test_a_webhook_racing_the_customers_cancel_leaves_one_consistent_story(
    app, customer, queue_down
):
    skip_unless_postgres()
    for _ in range(3):
        order, product = pending_order(customer, quantity=2, stock=5)
        payment, _ = services.start_payment(customer, order.id)
        (body,) = planned_webhooks(payment.id)
        cancel = lambda user, order_id=order.id: transitions.cancel_own_order(user, order_id)  # noqa: E731
        delivered, cancelled = run_each(app, [(customer.id, deliver(body)), (customer.id, cancel)])
        assert delivered == CREATED
        final = order_of(order.id)
        stock = db.session.scalar(select(Product.stock_quantity).where(Product.id == product.id))
        payment = reload(payment.id)
        assert payment.status == "captured"
        if cancelled == CREATED:
            assert (final.status, payment.flag, stock) == ("cancelled", "order_not_payable", 5)
            assert [refund.reason for refund in payment.refunds] == [refunds.LATE_PAYMENT_REASON]
        else:
            assert cancelled == 409
            assert (final.status, final.payment_status, payment.flag, stock) == (
                "paid",
                "paid",
                None,
                3,
            )
