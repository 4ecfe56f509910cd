"""Money guards: refunds are capped by what the provider captured, and a signed webhook of
an unexpected shape is a 400 that writes nothing."""

import json
from decimal import Decimal

import pytest

from ecom.payments import refunds, services
from ecom.payments.models import PaymentEvent, Refund
from ecom.payments.providers.base import sign
from tests.concurrency import CREATED, run_together, skip_unless_postgres
from tests.factories import admin_csrf_token, admin_login, make_user, token_headers
from tests.payments import captured_payment, count, event, pending_order, post_webhook, reload

STRIPE_SECRET = "whsec_guards_test"


def refund(client, staff, order, **body):
    body.setdefault("reason", "Customer asked")
    return client.post(
        f"/api/v1/orders/{order.id}/refund/", json=body, headers=token_headers(staff)
    )


@pytest.fixture
def short_capture(client, customer, queue_down):
    """A 618.00 order whose provider captured 0.01 (flagged ``amount_mismatch``)."""
    order, _ = pending_order(customer, price="618.00")
    payment, _ = services.start_payment(customer, order.id)
    post_webhook(client, event("captured", payment, amount=Decimal("0.01")))
    payment = reload(payment.id)
    assert (payment.status, payment.flag) == ("captured", "amount_mismatch")
    return order, payment


def test_a_refund_of_the_order_total_after_a_short_capture_is_409(client, staff, short_capture):
    order, payment = short_capture

    answer = refund(client, staff, order, amount="618.00")

    assert answer.status_code == 409
    assert answer.json["code"] == "refund_too_large"
    assert "0.01" in answer.json["message"]
    assert count(Refund) == 0


def test_a_short_capture_refunds_what_was_captured_and_nothing_more(client, staff, short_capture):
    order, payment = short_capture

    whole = refund(client, staff, order)
    again = refund(client, staff, order, amount="0.01")

    assert whole.status_code == 201 and whole.json["amount"] == "0.01"
    assert again.status_code == 409 and again.json["code"] == "nothing_to_refund"
    shown = client.get(f"/api/v1/orders/{order.id}/payments/", headers=token_headers(staff))
    assert shown.json[0]["captured_amount"] == "0.01"


def test_the_back_office_refund_is_capped_by_the_capture_too(client, staff, short_capture):
    order, _ = short_capture
    admin_login(client, staff)
    data = {
        "order_id": order.id,
        "csrf_token": admin_csrf_token(client),
        "amount": "618.00",
        "reason": "Too much",
    }

    page = client.post("/admin/orders/refund/", data=data, follow_redirects=True)

    assert "At most 0.01 USD is left to refund." in page.get_data(as_text=True)
    assert count(Refund) == 0


@pytest.mark.committed  # threads with a connection each: their commits must be real
def test_concurrent_refunds_never_add_up_past_the_capture(app, customer, queue_down):
    skip_unless_postgres()
    order, _ = pending_order(customer, price="19.90")
    payment = captured_payment(order)
    staff_ids = [make_user("staff").id for _ in range(4)]

    def ask(user):
        refunds.request_refund(order.id, reason="Race", actor=user, amount=Decimal("10.00"))

    outcomes = run_together(app, staff_ids, ask)

    assert sorted(outcomes, key=str) == [409, 409, 409, CREATED]
    assert sum(r.amount for r in reload(payment.id).refunds) == Decimal("10.00")


# Signed with the right secret, but not an event of the expected shape.
DUMMY_SHAPES = [
    "[]",
    '"text"',
    '{"id": "evt_1", "type": "captured", "reference": "x", "currency": "usd"}',
    '{"id": "evt_1", "type": "captured", "reference": "x", "amount": "ten", "currency": "usd"}',
    '{"id": "evt_1", "type": "captured", "reference": "x", "amount": 100, "currency": 5}',
    '{"id": ["evt_1"], "type": "captured", "reference": "x", "amount": 1, "currency": "usd"}',
    '{"id": "evt_1", "type": {}, "reference": "x", "amount": 1, "currency": "usd"}',
    '{"id": "evt_1", "type": "captured", "reference": "x", "amount": -5, "currency": "usd"}',
    '{"id": "evt_1", "type": "captured", "reference": "x", "amount": 1e30, "currency": "usd"}',
    '{"id": "' + "e" * 300 + '", "type": "captured", "reference": "x", "amount": 1,'
    ' "currency": "usd"}',
    '{"id": "evt_1", "type": "refund", "reference": "x", "amount": 1, "currency": "usd",'
    ' "refunds": 7}',
]


@pytest.mark.parametrize("body", DUMMY_SHAPES)
def test_a_signed_dummy_webhook_of_another_shape_is_400_and_writes_nothing(client, body):
    answer = post_webhook(client, body)

    assert answer.status_code == 400, answer.json
    assert answer.json["code"] == "malformed_webhook"
    assert count(PaymentEvent) == 0


STRIPE_SHAPES = [
    {"id": "evt_1", "object": "event", "type": "payment_intent.succeeded"},
    {"id": "evt_1", "object": "event", "type": "payment_intent.succeeded", "data": "text"},
    {"id": "evt_1", "object": "event", "type": "payment_intent.succeeded", "data": {}},
    {
        "id": "evt_1",
        "object": "event",
        "type": "payment_intent.succeeded",
        "data": {"object": {"id": "pi_1", "amount": "lots", "currency": "usd"}},
    },
    {
        "id": "evt_1",
        "object": "event",
        "type": "payment_intent.succeeded",
        "data": {"object": {"amount": 100, "currency": "usd"}},
    },
    {
        "id": "evt_1",
        "object": "event",
        "type": "charge.refunded",
        "data": {"object": {"payment_intent": "pi_1", "refunds": [], "currency": "usd"}},
    },
    {"object": "event", "type": ["payment_intent.succeeded"], "data": {"object": {}}},
]


@pytest.fixture
def stripe_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "PAYMENT_PROVIDERS", ["dummy", "stripe"])
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "sk_test_guards")
    monkeypatch.setitem(app.config, "STRIPE_WEBHOOK_SECRET", STRIPE_SECRET)


@pytest.mark.usefixtures("stripe_on")
@pytest.mark.parametrize("shape", STRIPE_SHAPES)
def test_a_signed_stripe_webhook_of_another_shape_is_400_and_writes_nothing(client, shape):
    body = json.dumps(shape).encode()
    headers = {"Stripe-Signature": sign(body, STRIPE_SECRET), "Content-Type": "application/json"}

    answer = client.post("/api/v1/payments/webhooks/stripe/", data=body, headers=headers)

    assert answer.status_code == 400, answer.json
    assert answer.json["code"] == "malformed_webhook"
    assert count(PaymentEvent) == 0
