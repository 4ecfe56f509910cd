"""Whole payment flows on the embedded job queue: the dummy's webhooks, refunds through
the provider, cancelled paid orders, unpaid-order expiry and late payments."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from ecom.catalog.models import Product
from ecom.common import outbox
from ecom.common.models import utcnow
from ecom.common.outbox import OutboxMessage
from ecom.extensions import db
from ecom.orders import emails, transitions
from ecom.orders.models import Order
from ecom.payments import jobs
from ecom.payments.models import Refund
from tests.factories import token_headers
from tests.payments import count, pay, pending_order, reload

pytestmark = pytest.mark.usefixtures("embedded_jobs")


def order_of(order_id) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order_id)


def status_mails(order) -> list[dict]:
    """The payloads of the status e-mails written for an order, in order."""
    rows = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.handler == emails.STATUS_CHANGED)
        .order_by(OutboxMessage.id)
    )
    return [row.payload for row in rows if row.payload["order_id"] == order.id]


def news(order) -> list[str]:
    """The statuses the order's e-mails told, in order."""
    return [payload["status"] for payload in status_mails(order)]


def stock_of(product) -> int:
    return db.session.scalar(select(Product.stock_quantity).where(Product.id == product.id))


def refund(client, staff, order, **body):
    body.setdefault("reason", "Customer asked")
    return client.post(
        f"/api/v1/orders/{order.id}/refund/", json=body, headers=token_headers(staff)
    )


@pytest.fixture
def paid(client, customer):
    order, product = pending_order(customer, price="19.90")
    payment_id = pay(client, customer, order).json["id"]
    return order, product, payment_id


def test_a_dummy_payment_pays_the_order_through_its_signed_webhook(paid, embedded_jobs):
    order, _, payment_id = paid
    assert order_of(order.id).status == "paid"
    assert reload(payment_id).status == "captured"
    assert news(order) == ["paid"]
    assert [m.subject.split(" |")[0] for m in embedded_jobs][-1] == f"Order #{order.id}: paid"


def test_requires_action_then_success_ends_captured_with_both_events_logged(client, customer):
    order, _ = pending_order(customer)
    payment_id = pay(client, customer, order, token="tok_requires_action").json["id"]
    kinds = [e.kind for e in reload(payment_id).events]
    assert kinds == ["create", "requires_action", "captured"]
    assert order_of(order.id).status == "paid"


def test_a_delayed_success_waits_for_its_time(client, customer):
    order, _ = pending_order(customer)
    pay(client, customer, order, token="tok_delayed")
    [row] = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.handler == "payments.dummy_webhook")
    )
    assert row.state == "pending" and row.next_attempt_at > utcnow()
    assert order_of(order.id).status == "pending"


def test_partial_refunds_add_up_and_never_exceed_the_capture(client, staff, paid):
    order, _, payment_id = paid
    first = refund(client, staff, order, amount="5.00")
    assert first.status_code == 201, first.json
    payment = reload(payment_id)
    assert (payment.status, payment.refunded_amount) == ("partially_refunded", Decimal("5.00"))
    assert payment.refunds[0].status == "succeeded"
    assert payment.refunds[0].reference.startswith("dummy_re_")

    too_much = refund(client, staff, order, amount="14.91")
    assert too_much.status_code == 409
    assert too_much.json["code"] == "refund_too_large"

    rest = refund(client, staff, order)
    assert rest.status_code == 201 and rest.json["amount"] == "14.90"
    payment = reload(payment_id)
    assert (payment.status, payment.refunded_amount) == ("refunded", Decimal("19.90"))
    assert refund(client, staff, order).json["code"] == "nothing_to_refund"
    assert order_of(order.id).payment_status == "refunded"
    assert news(order) == ["paid", "refunded"]
    assert status_mails(order)[-1]["news"] == "refunded"


def test_only_staff_refund(client, customer, paid):
    order, _, _ = paid
    assert refund(client, customer, order).status_code == 403
    assert count(Refund) == 0


def test_cancelling_a_paid_order_refunds_it_through_the_provider(staff, paid):
    order, product, payment_id = paid
    assert order_of(order.id).status == "paid"
    transitions.change_status(order.id, "cancelled", actor=staff)
    payment = reload(payment_id)
    assert payment.status == "refunded"
    assert payment.refunds[0].reason == "The order was cancelled."
    final = order_of(order.id)
    assert (final.status, final.payment_status) == ("cancelled", "refunded")
    assert news(order) == ["paid", "cancelled", "refunded"]
    assert status_mails(order)[-1]["news"] == "cancelled_and_refunded"
    assert stock_of(product) == 10


def age(order, minutes: int) -> None:
    db.session.execute(
        update(Order)
        .where(Order.id == order.id)
        .values(created_at=utcnow() - timedelta(minutes=minutes))
    )
    db.session.commit()


def test_unpaid_orders_expire_and_their_stock_returns(app, customer, monkeypatch):
    monkeypatch.setitem(app.config, "PAYMENT_TIMEOUT_MINUTES", 1)
    stale, product = pending_order(customer, quantity=3)
    fresh, _ = pending_order(customer)
    age(stale, 2)
    assert jobs.expire_unpaid() == 1
    assert (order_of(stale.id).status, order_of(fresh.id).status) == ("cancelled", "pending")
    assert order_of(stale.id).history[-1].note == "Not paid within 1 minutes."
    assert stock_of(product) == 10
    assert jobs.expire_unpaid() == 0


def test_a_payment_that_succeeds_after_its_order_expired_is_refunded(
    app, client, customer, monkeypatch, queue_down
):
    order, product = pending_order(customer)
    payment_id = pay(client, customer, order).json["id"]  # its webhook waits in the queue
    age(order, 31)
    assert jobs.expire_unpaid() == 1
    [row] = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.handler == "payments.dummy_webhook")
    )
    monkeypatch.setitem(app.config["CELERY"], "broker_url", None)  # the refund runs at once
    outbox.deliver(row.id)
    payment = reload(payment_id)
    assert (payment.status, payment.flag) == ("refunded", "order_not_payable")
    assert payment.refunds[0].reason == "The order was cancelled before the payment succeeded."
    assert order_of(order.id).status == "cancelled"
    assert stock_of(product) == 10
