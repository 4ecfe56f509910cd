"""The webhooks API (staff): the secret once, bad input refused with nothing written, the
delivery log with its attempts, ping and redeliver; production refuses private targets."""

import pytest
from sqlalchemy import func, select

from config import ConfigError, ProductionConfig
from ecom.extensions import db
from ecom.integrations.webhooks.models import WebhookDelivery, WebhookSubscription
from tests.factories import production_env
from tests.webhook_receiver import Receiver
from tests.webhooks import settle

HOOKS = "/api/v1/webhooks/"


@pytest.fixture(scope="module")
def receiver():
    started = Receiver().start()
    yield started
    started.stop()


@pytest.fixture
def staff_headers(staff, auth_headers):
    return auth_headers(staff)


def subscribe(client, headers, receiver, path, *events):
    answer = client.post(
        HOOKS, json={"url": receiver.url(path), "events": list(events)}, headers=headers
    )
    assert answer.status_code == 201, answer.json
    receiver.expect(path, answer.json["secret"])
    return answer.json


def test_the_secret_is_answered_once_in_standard_webhooks_form(client, staff_headers, receiver):
    created = subscribe(client, staff_headers, receiver, "/once", "order.paid", "order.paid")
    assert created["secret"].startswith("whsec_")
    assert created["events"] == ["order.paid"]
    shown = client.get(f"{HOOKS}{created['id']}/", headers=staff_headers).json
    assert "secret" not in shown
    listed = client.get(HOOKS, headers=staff_headers).json["results"]
    assert all("secret" not in row for row in listed)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "http://127.0.0.1:9/x", "events": ["order.shipped"]}, "events"),
        ({"url": "http://127.0.0.1:9/x", "events": []}, "events"),
        ({"url": "ftp://127.0.0.1/x", "events": ["order.paid"]}, "url"),
        ({"url": "not a url", "events": ["order.paid"]}, "url"),
        ({"url": "http://127.0.0.1:9/x" + "a" * 2000, "events": ["order.paid"]}, "url"),
        ({"events": ["order.paid"]}, "url"),
        (
            {"url": "http://127.0.0.1:9/x", "events": ["order.paid"], "is_active": "yes"},
            "is_active",
        ),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_writes_nothing(
    client, staff_headers, body, field
):
    answer = client.post(HOOKS, json=body, headers=staff_headers)
    assert answer.status_code == 400
    assert answer.json["code"] == "validation_error"
    assert field in answer.json["errors"]["json"]
    assert db.session.scalar(select(func.count(WebhookSubscription.id))) == 0


def test_a_ping_is_logged_with_its_attempt_and_can_be_redelivered(
    client, staff_headers, receiver, embedded_jobs
):
    created = subscribe(client, staff_headers, receiver, "/ping", "order.paid")
    receiver.plan("/ping", 418)
    ping = client.post(f"{HOOKS}{created['id']}/ping/", headers=staff_headers)
    assert ping.status_code == 202
    settle(created["id"])
    log = client.get(f"{HOOKS}{created['id']}/deliveries/", headers=staff_headers).json
    (delivery,) = log["results"]
    assert (delivery["event"], delivery["state"]) == ("webhook.ping", "failed")
    (attempt,) = delivery["attempts"]
    assert attempt["status_code"] == 418 and attempt["latency_ms"] >= 0
    assert attempt["answer"] == '{"status": 418}'
    again = client.post(f"{HOOKS}deliveries/{delivery['id']}/redeliver/", headers=staff_headers)
    assert again.status_code == 202
    settle(created["id"])
    assert [body["type"] for body in receiver.bodies("/ping")] == ["webhook.ping"]
    assert receiver.ids("/ping") == [delivery["message_id"]]
    failed = client.get(
        f"{HOOKS}{created['id']}/deliveries/?state=failed", headers=staff_headers
    ).json
    assert failed["count"] == 0


def test_a_pending_delivery_is_not_redelivered(client, staff_headers, receiver, queue_down):
    created = subscribe(client, staff_headers, receiver, "/pending", "order.paid")
    client.post(f"{HOOKS}{created['id']}/ping/", headers=staff_headers)
    delivery_id = db.session.scalar(select(WebhookDelivery.id))
    again = client.post(f"{HOOKS}deliveries/{delivery_id}/redeliver/", headers=staff_headers)
    assert again.status_code == 409
    assert again.json["code"] == "webhook_delivery_pending"


def test_production_refuses_to_start_with_private_targets_allowed():
    with pytest.raises(ConfigError, match="WEBHOOK_ALLOW_PRIVATE_TARGETS: must be off"):
        ProductionConfig(production_env(WEBHOOK_ALLOW_PRIVATE_TARGETS="true"))
