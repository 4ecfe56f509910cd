"""Paying an order with the dummy provider: the API's contract and the webhook's rules."""

from decimal import Decimal

import pytest

from ecom.extensions import db
from ecom.orders import transitions
from ecom.orders.models import Order
from ecom.payments.models import Payment, PaymentEvent
from tests.factories import token_headers
from tests.payments import (
    count,
    event,
    pay,
    pending_order,
    planned_webhooks,
    post_webhook,
    reload,
)

# Each test delivers the provider's webhooks itself: the queue holds the planned ones.
pytestmark = pytest.mark.usefixtures("queue_down")


@pytest.fixture
def order(customer):
    return pending_order(customer)[0]


def order_of(order_id) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order_id)


def test_pay_answers_201_with_the_client_secret_and_leaves_the_order_pending(
    client, customer, order
):
    response = pay(client, customer, order)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["status"] == "pending"
    assert (body["amount"], body["currency"], body["provider"]) == ("19.90", "USD", "dummy")
    assert body["client_data"]["client_secret"].startswith(body["reference"] + "_secret_")
    assert order_of(order.id).status == "pending"


def test_a_repeated_idempotency_key_or_an_open_payment_answers_the_same_payment(
    client, customer, order
):
    first = pay(client, customer, order, key="k-1")
    again = pay(client, customer, order, key="k-1")
    other_key = pay(client, customer, order, key="k-2")
    assert (again.status_code, other_key.status_code) == (200, 200)
    assert first.json["id"] == again.json["id"] == other_key.json["id"]
    assert count(Payment) == 1


def test_a_captured_webhook_pays_the_order_and_its_history_names_the_payment(
    client, customer, order
):
    payment_id = pay(client, customer, order).json["id"]
    (body,) = planned_webhooks(payment_id)
    response = post_webhook(client, body)
    assert response.status_code == 200
    assert response.json == {"received": 1}
    paid = order_of(order.id)
    assert (paid.status, paid.payment_status) == ("paid", "paid")
    assert f"Payment #{payment_id} captured" in paid.history[-1].note
    assert paid.history[-1].changed_by_id is None
    assert reload(payment_id).status == "captured"


def test_a_webhook_delivered_twice_moves_the_order_once(client, customer, order):
    payment_id = pay(client, customer, order).json["id"]
    (body,) = planned_webhooks(payment_id)
    assert post_webhook(client, body).json == {"received": 1}
    again = post_webhook(client, body)
    assert again.status_code == 200
    assert again.json == {"received": 0}
    assert [change.to_status for change in order_of(order.id).history] == ["pending", "paid"]


def test_events_out_of_order_end_in_the_right_state(client, customer, order):
    payment_id = pay(client, customer, order, token="tok_requires_action").json["id"]
    requires_action, captured = planned_webhooks(payment_id)
    post_webhook(client, captured)
    post_webhook(client, requires_action)
    assert reload(payment_id).status == "captured"
    assert order_of(order.id).status == "paid"
    assert count(PaymentEvent) == 3  # the create answer and both events, as received


def test_requires_action_then_success_passes_through_requires_action(client, customer, order):
    payment_id = pay(client, customer, order, token="4000002500003155").json["id"]
    requires_action, captured = planned_webhooks(payment_id)
    post_webhook(client, requires_action)
    assert reload(payment_id).status == "requires_action"
    post_webhook(client, captured)
    assert reload(payment_id).status == "captured"


def test_a_declined_payment_fails_and_the_order_can_be_paid_again(client, customer, order):
    payment_id = pay(client, customer, order, token="4000000000000002").json["id"]
    (declined,) = planned_webhooks(payment_id)
    post_webhook(client, declined)
    assert reload(payment_id).status == "failed"
    assert order_of(order.id).status == "pending"
    retry = pay(client, customer, order)
    assert retry.status_code == 201
    assert retry.json["id"] != payment_id


@pytest.mark.parametrize(
    "headers",
    [{}, {"Dummy-Signature": "t=1,v1=deadbeef"}, {"Dummy-Signature": "v1=deadbeef"}],
)
def test_a_bad_signature_is_400_and_writes_nothing(client, customer, order, headers):
    payment_id = pay(client, customer, order).json["id"]
    events = count(PaymentEvent)
    (body,) = planned_webhooks(payment_id)
    response = post_webhook(client, body, headers=headers)
    assert response.status_code == 400
    assert response.json["code"] == "invalid_signature"
    assert count(PaymentEvent) == events
    assert reload(payment_id).status == "pending"
    assert order_of(order.id).status == "pending"


def test_a_captured_amount_that_differs_from_the_order_is_flagged_not_paid(client, customer, order):
    payment = reload(pay(client, customer, order).json["id"])
    post_webhook(client, event("captured", payment, amount=Decimal("1.00")))
    payment = reload(payment.id)
    assert (payment.status, payment.flag) == ("captured", "amount_mismatch")
    assert order_of(order.id).status == "pending"


def test_a_success_after_the_order_was_cancelled_is_flagged(client, customer, order):
    payment_id = pay(client, customer, order).json["id"]
    (body,) = planned_webhooks(payment_id)
    transitions.cancel_own_order(customer, order.id)
    post_webhook(client, body)
    payment = reload(payment_id)
    assert (payment.status, payment.flag) == ("captured", "order_not_payable")
    assert order_of(order.id).status == "cancelled"


def test_an_unknown_test_token_is_a_field_error(client, customer, order):
    response = pay(client, customer, order, token="tok_nope")
    assert response.status_code == 400
    assert "token" in response.json["errors"]["json"]
    assert count(Payment) == 0


def test_only_a_pending_order_can_be_paid(client, customer, order):
    transitions.cancel_own_order(customer, order.id)
    response = pay(client, customer, order)
    assert response.status_code == 409
    assert response.json["code"] == "order_not_payable"


def test_another_customers_order_cannot_be_paid_or_listed(client, other_customer, order):
    assert pay(client, other_customer, order).status_code == 404
    listing = client.get(
        f"/api/v1/orders/{order.id}/payments/", headers=token_headers(other_customer)
    )
    assert listing.status_code == 404


def test_a_provider_not_enabled_is_404(client, customer, order):
    assert pay(client, customer, order, provider="stripe").status_code == 404
    assert client.post("/api/v1/payments/webhooks/stripe/", data=b"{}").status_code == 404


def test_the_owner_and_staff_list_the_payments_oldest_first(client, customer, staff, order):
    first = pay(client, customer, order, token="tok_decline").json["id"]
    post_webhook(client, planned_webhooks(first)[0])
    second = pay(client, customer, order).json["id"]
    for viewer in (customer, staff):
        response = client.get(f"/api/v1/orders/{order.id}/payments/", headers=token_headers(viewer))
        assert response.status_code == 200
        assert [p["id"] for p in response.json] == [first, second]
        assert [p["status"] for p in response.json] == ["failed", "pending"]
