"""The PayPal adapter against recorded answers (tests/recorded_paypal.py): what it sends
through PayPal's server SDK, how it reads PayPal's answers and verifies its webhooks, and a
whole payment on the embedded job queue, from the buyer's approval to a partial refund."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest

from ecom.common.models import utcnow
from ecom.payments.providers import KINDS
from ecom.payments.providers.base import Charge, InvalidSignature, ProviderError
from tests.factories import token_headers
from tests.payments import pay, pending_order, reload
from tests.recorded_paypal import SETTINGS, fixture, provider

ORDER_ID = "5O190127TN364715T"


def charge(amount="19.90", currency="USD"):
    return Charge(3, 7, Decimal(amount), currency, "pay-key-1")


def signed(sent_at=None, **drop) -> dict:
    headers = {
        "PAYPAL-AUTH-ALGO": "SHA256withRSA",
        "PAYPAL-CERT-URL": "https://api-m.paypal.com/v1/notifications/certs/CERT-360caa42",
        "PAYPAL-TRANSMISSION-ID": "69cd13f0-d67a-11e5-baa3-778b53f4ae55",
        "PAYPAL-TRANSMISSION-SIG": "lmI95Jx3Y9nhR5SJWlHVIWpg4AgFk7n9bCHSRxbrd8A9zrhdu2rMyFrmz+Zjh",
        "PAYPAL-TRANSMISSION-TIME": (sent_at or utcnow()).isoformat().replace("+00:00", "Z"),
    }
    return {name: value for name, value in headers.items() if name not in drop.values()}


def test_create_asks_for_a_capture_of_the_amount_with_the_ids_and_the_request_id():
    adapter, paypal = provider("order_created")
    answer = adapter.create(charge())
    token, create = paypal.requests
    assert (token.method, token.path) == ("POST", "/v1/oauth2/token")
    assert (create.method, create.path) == ("POST", "/v2/checkout/orders")
    assert create.url.startswith("https://api-m.sandbox.paypal.com/")
    assert create.headers["PayPal-Request-Id"] == "pay-key-1"
    assert create.headers["Authorization"].startswith("Bearer A21AAF")
    assert create.body == {
        "intent": "CAPTURE",
        "purchase_units": [
            {
                "amount": {"currency_code": "USD", "value": "19.90"},
                "reference_id": "7",
                "custom_id": "3",
            }
        ],
    }
    assert (answer.reference, answer.status) == (ORDER_ID, "pending")
    assert answer.client_data == {
        "paypal_order_id": ORDER_ID,
        "approve_url": f"https://www.paypal.com/checkoutnow?token={ORDER_ID}",
    }


def test_amounts_carry_the_currencys_digits():
    adapter, paypal = provider("order_created", "order_created")
    adapter.create(charge("1990", "JPY"))
    adapter.create(charge("20", "USD"))
    values = [r.body["purchase_units"][0]["amount"]["value"] for r in paypal.api_requests]
    assert values == ["1990", "20.00"]


def test_a_live_shop_talks_to_paypals_live_host():
    adapter, paypal = provider("order_created", PAYPAL_ENVIRONMENT="live")
    adapter.create(charge())
    assert paypal.api_requests[0].url.startswith("https://api-m.paypal.com/v2/")


def test_capture_captures_the_order_and_reads_completed_as_captured():
    adapter, paypal = provider("order_completed")
    answer = adapter.capture(ORDER_ID, Decimal("19.90"), "USD", "cap-1")
    (request,) = paypal.api_requests
    assert (request.method, request.path) == ("POST", f"/v2/checkout/orders/{ORDER_ID}/capture")
    assert request.headers["PayPal-Request-Id"] == "cap-1"
    assert (answer.reference, answer.status) == (ORDER_ID, "captured")
    assert answer.data == json.loads(fixture("order_completed"))


def test_a_refund_names_its_capture_amount_order_and_reason():
    adapter, paypal = provider("order_completed", "refund_completed")
    answer = adapter.refund(ORDER_ID, Decimal("5.00"), "USD", "ref-1", "Two units came back.")
    lookup, refund = paypal.api_requests
    assert (lookup.method, lookup.path) == ("GET", f"/v2/checkout/orders/{ORDER_ID}")
    assert refund.path == "/v2/payments/captures/3C679366HH908993F/refund"
    assert refund.headers["PayPal-Request-Id"] == "ref-1"
    assert refund.body == {
        "amount": {"currency_code": "USD", "value": "5.00"},
        "custom_id": ORDER_ID,
        "note_to_payer": "Two units came back.",
    }
    assert (answer.reference, answer.status) == ("1JU08902781691411", "succeeded")


def test_an_order_with_nothing_captured_cannot_be_refunded():
    adapter, paypal = provider("order_created")
    with pytest.raises(ProviderError, match="no completed capture"):
        adapter.refund(ORDER_ID, Decimal("5.00"), "USD", "ref-1", "")
    assert len(paypal.api_requests) == 1


def test_a_paypal_error_becomes_a_provider_error():
    adapter, _ = provider((422, "order_not_approved"))
    with pytest.raises(ProviderError) as raised:
        adapter.capture(ORDER_ID, Decimal("19.90"), "USD", "cap-1")
    assert "422" in raised.value.message


def test_an_approval_is_verified_by_paypal_and_reads_as_authorized():
    adapter, paypal = provider("verify_success")
    body = fixture("event_checkout_order_approved")
    (event,) = adapter.parse_webhook(body.encode(), signed())
    (verify,) = paypal.api_requests
    assert verify.path == "/v1/notifications/verify-webhook-signature"
    assert verify.body["webhook_id"] == SETTINGS["PAYPAL_WEBHOOK_ID"]
    assert verify.body["webhook_event"] == json.loads(body)
    assert verify.body["transmission_id"] == "69cd13f0-d67a-11e5-baa3-778b53f4ae55"
    assert verify.body["auth_algo"] == "SHA256withRSA"
    assert (event.kind, event.reference) == ("authorized", ORDER_ID)
    assert (event.amount, event.currency) == (Decimal("19.90"), "USD")
    assert event.id == "WH-COC11055RA711503B-4YM959094A144403T"


def test_a_capture_event_names_its_order_and_a_refund_event_the_total_refunded():
    adapter, _ = provider("verify_success", "verify_success")
    (captured,) = adapter.parse_webhook(
        fixture("event_payment_capture_completed").encode(), signed()
    )
    (refunded,) = adapter.parse_webhook(
        fixture("event_payment_capture_refunded").encode(), signed()
    )
    assert (captured.kind, captured.reference, captured.amount) == (
        "captured",
        ORDER_ID,
        Decimal("19.90"),
    )
    assert (refunded.kind, refunded.reference, refunded.amount) == (
        "refund",
        ORDER_ID,
        Decimal("5.00"),
    )
    assert refunded.refund_references == ("1JU08902781691411",)


def test_events_the_shop_does_not_follow_are_read_as_none():
    adapter, _ = provider("verify_success")
    body = json.loads(fixture("event_checkout_order_approved"))
    body["event_type"] = "CUSTOMER.DISPUTE.CREATED"
    assert adapter.parse_webhook(json.dumps(body).encode(), signed()) == []


def test_paypals_failure_a_missing_header_or_a_stale_transmission_is_refused():
    adapter, paypal = provider("verify_failure")
    body = fixture("event_checkout_order_approved").encode()
    with pytest.raises(InvalidSignature):
        adapter.parse_webhook(body, signed())
    with pytest.raises(InvalidSignature):
        adapter.parse_webhook(body, signed(drop="PAYPAL-TRANSMISSION-SIG"))
    with pytest.raises(InvalidSignature, match="too old"):
        adapter.parse_webhook(body, signed(sent_at=utcnow() - timedelta(minutes=10)))
    assert len(paypal.api_requests) == 1  # only the first was worth asking PayPal about


@pytest.fixture
def paypal_shop(app, monkeypatch):
    """The shop offers PayPal, whose SDK talks to the recorded transport."""
    adapter, transport = provider(
        "order_created",
        "verify_success",
        "order_completed",
        "verify_success",
        "order_completed",
        "refund_completed",
        "verify_success",
    )
    monkeypatch.setitem(app.config, "PAYMENT_PROVIDERS", ["paypal"])
    monkeypatch.setitem(KINDS, "paypal", type("Recorded", (), {"from_config": lambda _: adapter}))
    return transport


def post_event(client, name: str):
    return client.post(
        "/api/v1/payments/webhooks/paypal/", data=fixture(name).encode(), headers=signed()
    )


def test_an_approved_order_is_captured_by_the_shop_paid_then_partly_refunded(
    client, customer, staff, embedded_jobs, paypal_shop
):
    order, _ = pending_order(customer, price="19.90")
    paid = pay(client, customer, order, provider="paypal")
    assert paid.status_code == 201, paid.json
    assert paid.json["client_data"]["approve_url"].endswith(ORDER_ID)

    assert post_event(client, "event_checkout_order_approved").status_code == 200
    capture = paypal_shop.api_requests[-1]
    assert capture.path == f"/v2/checkout/orders/{ORDER_ID}/capture"
    assert reload(paid.json["id"]).status == "authorized"  # until PayPal confirms

    assert post_event(client, "event_payment_capture_completed").status_code == 200
    payment = reload(paid.json["id"])
    assert (payment.status, payment.captured_amount) == ("captured", Decimal("19.90"))
    assert payment.order.status == "paid"
    answer = client.get(f"/api/v1/orders/{order.id}/", headers=token_headers(customer))
    assert answer.json["payment_status"] == "paid"

    refund = client.post(
        f"/api/v1/orders/{order.id}/refund/",
        json={"amount": "5.00", "reason": "Two units came back."},
        headers=token_headers(staff),
    )
    assert refund.status_code == 201, refund.json
    assert paypal_shop.api_requests[-1].path == "/v2/payments/captures/3C679366HH908993F/refund"
    assert post_event(client, "event_payment_capture_refunded").status_code == 200
    payment = reload(paid.json["id"])
    assert (payment.status, payment.refunded_amount) == ("partially_refunded", Decimal("5.00"))
    assert payment.refunds[0].reference == "1JU08902781691411"
