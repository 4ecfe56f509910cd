"""Back office webhooks: subscribing shows the secret once, failures show as a flag, the
delivery log shows each attempt, and redeliver sends a delivery again."""

import pytest
from sqlalchemy import select

from ecom.extensions import db
from ecom.integrations.webhooks.models import WebhookSubscription
from tests.factories import admin_csrf_token, admin_login, make_product
from tests.webhook_receiver import Receiver
from tests.webhooks import settle, subscribe


@pytest.fixture(scope="module")
def receiver():
    started = Receiver().start()
    yield started
    started.stop()


def html(response) -> str:
    return response.get_data(as_text=True)


def test_a_subscription_made_in_the_back_office_flashes_its_secret_once(client, staff):
    admin_login(client, staff)
    page = client.post(
        "/admin/webhooks/new/",
        data={
            "csrf_token": admin_csrf_token(client),
            "url": "http://127.0.0.1:9/hooks",
            "events": ["order.paid", "stock.low"],
            "is_active": "y",
        },
        follow_redirects=True,
    )
    subscription = db.session.scalar(select(WebhookSubscription))
    assert subscription.events == ["order.paid", "stock.low"]
    assert subscription.secret in html(page)
    assert subscription.secret not in html(client.get("/admin/webhooks/"))


def test_a_refused_target_is_flashed_and_nothing_written(client, staff, app, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE_TARGETS", False)
    admin_login(client, staff)
    page = client.post(
        "/admin/webhooks/new/",
        data={
            "csrf_token": admin_csrf_token(client),
            "url": "http://10.0.0.7/hooks",
            "events": ["order.paid"],
        },
        follow_redirects=True,
    )
    assert "not public" in html(page)
    assert db.session.scalar(select(WebhookSubscription)) is None


def test_the_log_shows_each_attempt_and_redeliver_sends_it_again(
    client, staff, receiver, embedded_jobs, app, monkeypatch
):
    monkeypatch.setitem(app.config, "WEBHOOK_MAX_CONSECUTIVE_FAILURES", 1)
    subscription = subscribe(receiver, "/admin-log", "product.created")
    receiver.plan("/admin-log", (410, {}))
    make_product()
    (delivery,) = settle(subscription.id)
    admin_login(client, staff)
    assert "Disabled after 1 failures" in html(client.get("/admin/webhooks/"))
    log = html(client.get("/admin/webhook-attempts/"))
    assert "410" in log and "failed" in log and "&#34;status&#34;: 410" in log
    client.post(
        f"/admin/webhooks/edit/?id={subscription.id}",
        data={
            "csrf_token": admin_csrf_token(client),
            "url": subscription.url,
            "events": ["product.created"],
            "is_active": "y",
        },
    )
    client.post(
        "/admin/webhook-deliveries/action/",
        data={
            "action": "redeliver",
            "rowid": [delivery.id],
            "csrf_token": admin_csrf_token(client),
        },
    )
    (delivery,) = settle(subscription.id)
    assert delivery.state == "succeeded"
    assert len(receiver.bodies("/admin-log")) == 1
