"""Outgoing webhooks on the embedded job queue (both back ends): a real receiver on
loopback verifies every signature with the ``standardwebhooks`` library."""

from datetime import timedelta
from decimal import Decimal

import jsonschema
import pytest
from sqlalchemy import func, select

from ecom.catalog import services as catalog
from ecom.common.events import payload_schemas
from ecom.common.outbox import OutboxMessage
from ecom.common.transactions import atomic
from ecom.extensions import db
from ecom.integrations.webhooks import document
from ecom.integrations.webhooks.errors import TargetRefused
from ecom.integrations.webhooks.models import WebhookDelivery, WebhookSubscription
from ecom.integrations.webhooks.targets import check_target
from ecom.integrations.webhooks.topics import TOPICS
from ecom.returns import refunds as returns_refunds
from ecom.returns import requests
from tests.factories import deliver, make_order, make_product, make_user
from tests.fulfilments import make_carrier, ship
from tests.payments import pay
from tests.webhook_receiver import Receiver
from tests.webhooks import deliveries, settle, subscribe

PLUGIN = payload_schemas()


@pytest.fixture(scope="module")
def receiver():
    started = Receiver().start()
    yield started
    started.stop()


@pytest.fixture
def path(request) -> str:
    return f"/{request.node.name}"


@pytest.fixture(autouse=True)
def quick_retries(app, monkeypatch, embedded_jobs):
    monkeypatch.setitem(app.config, "WEBHOOK_RETRY_BASE_SECONDS", 0.01)
    monkeypatch.setitem(app.config, "WEBHOOK_TIMEOUT_SECONDS", 2)


def test_an_order_sends_signed_created_and_paid_webhooks_the_receiver_verifies(
    receiver, path, customer
):
    subscription = subscribe(receiver, path, "order.created", "order.paid")
    order = make_order(customer, (make_product(), 2), statuses=("paid",))
    settle(subscription.id)
    created, paid = receiver.bodies(path)
    assert (created["type"], created["version"], created["data"]["order_id"]) == (
        "order.created",
        1,
        order.id,
    )
    assert created["data"]["total"] == f"{order.total_amount:.2f}"
    assert (paid["type"], paid["data"]["to_status"]) == ("order.paid", "paid")
    assert receiver.ids(path) == [d.message_id for d in deliveries(subscription.id)]
    assert receiver.forged == []
    for body in (created, paid):
        jsonschema.validate(body, document.body_schema(TOPICS[body["type"]], PLUGIN))


def test_docs_webhooks_md_is_generated_from_the_topics(app):
    result = app.test_cli_runner().invoke(args=["events", "document", "--check"])
    assert result.exit_code == 0, result.output


def test_a_rolled_back_change_writes_no_delivery_and_sends_nothing(receiver, path):
    subscribe(receiver, path, "product.created")
    with pytest.raises(RuntimeError), atomic():
        make_product()
        raise RuntimeError("the change fails after the product was written")
    assert db.session.scalar(select(func.count(WebhookDelivery.id))) == 0
    assert receiver.bodies(path) == []


def test_after_the_sale_parcels_a_fulfilled_order_a_return_and_a_refund_are_sent(
    receiver, path, client, customer, staff
):
    topics = ("fulfilment.created", "order.fulfilled", "return.requested", "order.refunded")
    subscription = subscribe(receiver, path, *topics)
    order = make_order(customer, (make_product(), 2))
    assert pay(client, customer, order).status_code == 201  # the dummy captures it
    carrier = make_carrier()
    ship(order, staff, carrier, 1)
    ship(order, staff, carrier, 1, tracking="TRACK 2")
    deliver(order)
    asked = requests.request_return(
        customer, order.id, [{"item": order.items[0].id, "quantity": 1, "reason": "damaged"}]
    )
    returns_refunds.goodwill_refund(order.id, actor=staff, reason="Late", amount=Decimal("1.00"))
    settle(subscription.id)
    bodies = {body["id"]: body for body in receiver.bodies(path)}.values()
    sent = sorted(body["type"] for body in bodies)
    assert sent == sorted(["fulfilment.created"] * 2 + list(topics[1:]))
    by_type = {body["type"]: body["data"] for body in bodies}
    assert by_type["return.requested"]["return_id"] == asked.id
    assert by_type["order.refunded"]["amount"] == "1.00"
    assert by_type["order.fulfilled"]["order_id"] == order.id
    assert receiver.forged == []
    for body in bodies:
        jsonschema.validate(body, document.body_schema(TOPICS[body["type"]], PLUGIN))


def test_a_new_product_is_created_not_updated_and_an_edit_is_updated(receiver, path):
    subscription = subscribe(receiver, path, "product.created", "product.updated")
    product = make_product()
    catalog.update_product(product.id, {"title": "Renamed"})
    settle(subscription.id)
    assert [body["type"] for body in receiver.bodies(path)] == [
        "product.created",
        "product.updated",
    ]


def test_a_sale_down_to_the_low_stock_threshold_sends_stock_low(receiver, path, customer, app):
    subscription = subscribe(receiver, path, "stock.low", "customer.created")
    product = make_product(stock=app.config["LOW_STOCK_THRESHOLD"] + 2)
    make_order(customer, (product, 1))  # still above the threshold
    make_order(customer, (product, 1))
    make_user("customer", email="new.customer@example.com")
    settle(subscription.id)
    low, registered = receiver.bodies(path)
    assert low["type"] == "stock.low"
    assert low["data"]["stock_quantity"] == low["data"]["threshold"]
    assert registered["data"]["email"] == "new.customer@example.com"


def test_a_receiver_down_for_a_while_gets_every_event_once_it_is_up(receiver, path):
    subscription = subscribe(receiver, path, "product.created")
    receiver.stop()
    try:
        products = [make_product() for _ in range(3)]
        sent = deliveries(subscription.id)
        assert all(d.state == "pending" and d.attempts == 1 for d in sent)
    finally:
        receiver.start()
    settle(subscription.id)
    got = sorted(body["data"]["product_id"] for body in receiver.bodies(path))
    assert got == sorted(product.id for product in products)
    assert all(d.state == "succeeded" for d in deliveries(subscription.id))


def test_a_410_is_not_retried(receiver, path):
    subscription = subscribe(receiver, path, "product.created")
    receiver.plan(path, 410)
    make_product()
    (delivery,) = settle(subscription.id)
    assert (delivery.state, delivery.attempts) == ("failed", 1)
    assert [a.status_code for a in delivery.attempt_log] == [410]
    assert db.session.scalar(select(OutboxMessage.state)) == "failed"


def test_a_503_with_retry_after_is_retried_when_it_says(receiver, path):
    subscription = subscribe(receiver, path, "product.created")
    receiver.plan(path, (503, {"Retry-After": "1"}))
    make_product()
    message = db.session.scalar(select(OutboxMessage))
    waits = message.next_attempt_at - message.updated_at
    assert timedelta(seconds=0.9) <= waits <= timedelta(seconds=1.1)
    (delivery,) = settle(subscription.id)
    assert [a.status_code for a in delivery.attempt_log] == [503, 200]
    assert delivery.state == "succeeded"
    assert '"status": 503' in delivery.attempt_log[0].answer


def test_timeouts_and_5xx_back_off_then_fail_after_the_attempts(receiver, path, app, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_MAX_ATTEMPTS", 3)
    subscription = subscribe(receiver, path, "product.created")
    receiver.plan(path, 500, 429, 502)
    make_product()
    (delivery,) = settle(subscription.id)
    assert [a.outcome for a in delivery.attempt_log] == ["retrying", "retrying", "failed"]
    assert delivery.state == "failed"


def test_failures_in_a_row_disable_the_subscription_and_tell_the_admins(
    receiver, path, app, monkeypatch, embedded_jobs, admin
):
    monkeypatch.setitem(app.config, "WEBHOOK_MAX_CONSECUTIVE_FAILURES", 2)
    subscription = subscribe(receiver, path, "product.created")
    receiver.plan(path, 400, 200, 410, 404)
    for _ in range(4):
        make_product()
    settle(subscription.id)
    db.session.refresh(subscription)
    assert (subscription.is_active, subscription.consecutive_failures) == (False, 2)
    assert subscription.disabled_at is not None
    states = [d.state for d in deliveries(subscription.id)]
    assert states == ["failed", "succeeded", "failed", "failed"]
    (mail,) = embedded_jobs
    assert mail.to == [admin.email]
    assert f"#{subscription.id} disabled" in mail.subject
    make_product()  # nothing more is written for a disabled subscription
    assert len(deliveries(subscription.id)) == 4


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://localhost:8080/hook",
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://0.0.0.0/hook",
    ],
)
def test_private_targets_are_refused_when_subscribing(
    client, app, monkeypatch, staff, auth_headers, url
):
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE_TARGETS", False)
    answer = client.post(
        "/api/v1/webhooks/",
        json={"url": url, "events": ["order.paid"]},
        headers=auth_headers(staff),
    )
    assert answer.status_code == 400, answer.json
    assert answer.json["code"] == "webhook_target_refused"
    assert "url" in answer.json["errors"]["json"]
    assert db.session.scalar(select(func.count(WebhookSubscription.id))) == 0


def test_an_ipv4_mapped_loopback_is_refused_as_loopback(app, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE_TARGETS", False)
    with pytest.raises(TargetRefused, match="not public"):
        check_target("http://[::ffff:127.0.0.1]/hook")


def test_a_target_that_turned_private_is_refused_at_delivery(receiver, path, app, monkeypatch):
    subscription = subscribe(receiver, path, "product.created")
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE_TARGETS", False)
    make_product()
    (delivery,) = settle(subscription.id)
    assert delivery.state == "failed"
    assert "not public" in delivery.attempt_log[0].error
    assert receiver.bodies(path) == []
