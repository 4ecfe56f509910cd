"""The Stripe adapter against recorded answers: what it sends through the official SDK and
how it reads Stripe's answers and signed webhooks."""

import json
import socket
import time
from decimal import Decimal

import pytest
import stripe

from ecom.payments.providers.base import Charge, InvalidSignature, ProviderError, sign
from ecom.payments.providers.stripe import SIGNATURE_HEADER, StripeProvider
from tests.recorded_stripe import RecordedStripe, fixture

SECRET = "whsec_test_secret"


def provider(*answers, capture_method="automatic"):
    http = RecordedStripe(*answers)
    client = stripe.StripeClient("sk_test_recorded", http_client=http, max_network_retries=0)
    adapter = StripeProvider(client, webhook_secret=SECRET, capture_method=capture_method)
    return adapter, http


def charge(key="key-1", amount="19.90", currency="USD"):
    return Charge(3, 7, Decimal(amount), currency, key)


def test_create_sends_minor_units_capture_method_metadata_and_the_idempotency_key():
    adapter, http = provider("payment_intent_requires_payment_method")
    answer = adapter.create(charge(key="pay-key-1"))
    (request,) = http.requests
    assert (request.method, request.path) == ("POST", "/v1/payment_intents")
    assert request.form == {
        "amount": "1990",
        "currency": "usd",
        "capture_method": "automatic",
        "automatic_payment_methods[enabled]": "true",
        "metadata[order_id]": "7",
        "metadata[payment_id]": "3",
    }
    assert request.headers["Idempotency-Key"] == "pay-key-1"
    assert answer.reference == "pi_3MtwBwLkdIwHu7ix28a3tqPa"
    assert answer.status == "pending"
    assert answer.client_data == {
        "client_secret": "pi_3MtwBwLkdIwHu7ix28a3tqPa_secret_YrKJUKribcBjcG8HVhfZluoGH"
    }


def test_manual_capture_is_asked_for_and_a_capture_names_the_amount():
    adapter, http = provider(
        "payment_intent_requires_payment_method",
        "payment_intent_succeeded",
        capture_method="manual",
    )
    adapter.create(charge())
    answer = adapter.capture("pi_3MtwBwLkdIwHu7ix28a3tqPa", Decimal("19.90"), "USD", "cap-1")
    create, capture = http.requests
    assert create.form["capture_method"] == "manual"
    assert capture.path == "/v1/payment_intents/pi_3MtwBwLkdIwHu7ix28a3tqPa/capture"
    assert capture.form == {"amount_to_capture": "1990"}
    assert capture.headers["Idempotency-Key"] == "cap-1"
    assert answer.status == "captured"


def test_a_capture_answer_reads_as_captured_and_is_kept_as_received():
    adapter, http = provider("payment_intent_captured", capture_method="manual")
    answer = adapter.capture("pi_3MrPBKLkdIwHu7ix0Blnt2OL", Decimal("15.00"), "USD", "cap-2")
    (request,) = http.requests
    assert (request.method, request.path) == (
        "POST",
        "/v1/payment_intents/pi_3MrPBKLkdIwHu7ix0Blnt2OL/capture",
    )
    assert request.form == {"amount_to_capture": "1500"}
    assert request.headers["Idempotency-Key"] == "cap-2"
    assert (answer.reference, answer.status) == ("pi_3MrPBKLkdIwHu7ix0Blnt2OL", "captured")
    assert answer.data == json.loads(fixture("payment_intent_captured"))
    assert answer.webhooks == []  # Stripe confirms with its own payment_intent.succeeded


def test_an_intent_waiting_for_capture_reads_as_authorized():
    adapter, _ = provider("payment_intent_requires_capture", capture_method="manual")
    assert adapter.capture("pi_3MtwBwLkdIwHu7ix28a3tqPa", Decimal("1"), "USD", "k").status == (
        "authorized"
    )


def test_cancel_reads_as_cancelled():
    adapter, http = provider("payment_intent_canceled")
    assert adapter.cancel("pi_3MtwBwLkdIwHu7ix28a3tqPa", "cancel-1").status == "cancelled"
    assert http.requests[0].path == "/v1/payment_intents/pi_3MtwBwLkdIwHu7ix28a3tqPa/cancel"


def test_a_partial_refund_sends_its_minor_amount_reason_and_key():
    adapter, http = provider("refund_succeeded")
    answer = adapter.refund(
        "pi_3MtwBwLkdIwHu7ix28a3tqPa", Decimal("5.00"), "USD", "refund-1", "Damaged in transit"
    )
    (request,) = http.requests
    assert (request.method, request.path) == ("POST", "/v1/refunds")
    assert request.form == {
        "payment_intent": "pi_3MtwBwLkdIwHu7ix28a3tqPa",
        "amount": "500",
        "metadata[reason]": "Damaged in transit",
    }
    assert request.headers["Idempotency-Key"] == "refund-1"
    assert (answer.reference, answer.status) == ("re_1Nispe2eZvKYlo2Cd31jOCgZ", "succeeded")


def test_zero_decimal_currencies_are_sent_in_whole_units():
    adapter, http = provider("payment_intent_requires_payment_method")
    adapter.create(charge(amount="1990.00", currency="JPY"))
    assert http.requests[0].form["amount"] == "1990"
    assert http.requests[0].form["currency"] == "jpy"


def test_a_stripe_error_becomes_a_provider_error():
    adapter, _ = provider((402, "error_card_declined"))
    with pytest.raises(ProviderError, match="Your card was declined"):
        adapter.create(charge())


def signed(name, secret=SECRET, timestamp=None):
    body = fixture(name).encode()
    return body, {SIGNATURE_HEADER: sign(body, secret, timestamp)}


def test_a_payment_intent_succeeded_event_reads_as_captured_with_its_amount():
    adapter, _ = provider()
    (event,) = adapter.parse_webhook(*signed("event_payment_intent_succeeded"))
    assert event.id == "evt_3MtwBwLkdIwHu7ix0ZxXlQjV"
    assert (event.kind, event.reference) == ("captured", "pi_3MtwBwLkdIwHu7ix28a3tqPa")
    assert (event.amount, event.currency) == (Decimal("19.90"), "USD")
    assert event.data == json.loads(fixture("event_payment_intent_succeeded"))


def test_a_charge_refunded_event_reads_as_the_amount_refunded_so_far():
    adapter, _ = provider()
    (event,) = adapter.parse_webhook(*signed("event_charge_refunded"))
    assert (event.kind, event.reference, event.amount) == (
        "refund",
        "pi_3MtwBwLkdIwHu7ix28a3tqPa",
        Decimal("5.00"),
    )
    assert event.refund_references == ("re_1Nispe2eZvKYlo2Cd31jOCgZ",)


def test_events_the_shop_does_not_follow_are_read_as_none():
    adapter, _ = provider()
    assert adapter.parse_webhook(*signed("event_customer_created")) == []


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {SIGNATURE_HEADER: "t=1,v1=00"},
        {SIGNATURE_HEADER: "garbage"},
    ],
)
def test_a_missing_or_malformed_signature_is_refused(headers):
    adapter, _ = provider()
    with pytest.raises(InvalidSignature):
        adapter.parse_webhook(fixture("event_payment_intent_succeeded").encode(), headers)


def test_a_signature_made_with_another_secret_is_refused():
    adapter, _ = provider()
    with pytest.raises(InvalidSignature):
        adapter.parse_webhook(*signed("event_payment_intent_succeeded", secret="whsec_other"))


def test_a_signature_older_than_the_tolerance_is_refused():
    adapter, _ = provider()
    stale = int(time.time()) - adapter.tolerance - 60
    with pytest.raises(InvalidSignature):
        adapter.parse_webhook(*signed("event_payment_intent_succeeded", timestamp=stale))


def test_a_body_changed_after_signing_is_refused():
    adapter, _ = provider()
    body, headers = signed("event_payment_intent_succeeded")
    with pytest.raises(InvalidSignature):
        adapter.parse_webhook(body.replace(b"1990", b"1"), headers)


def test_a_hung_stripe_fails_the_call_after_stripe_timeout_seconds(monkeypatch):
    monkeypatch.setattr(stripe, "max_network_retries", 0)
    with socket.socket() as hung:  # accepts connections, never answers
        hung.bind(("127.0.0.1", 0))
        hung.listen()
        base = f"http://127.0.0.1:{hung.getsockname()[1]}"
        monkeypatch.setattr("stripe._stripe_client.DEFAULT_API_BASE", base)
        adapter = StripeProvider.from_config(
            {
                "STRIPE_SECRET_KEY": "sk_test_hung",
                "STRIPE_WEBHOOK_SECRET": SECRET,
                "STRIPE_CAPTURE_METHOD": "automatic",
                "STRIPE_TIMEOUT_SECONDS": 0.5,
                "WEBHOOK_TOLERANCE_SECONDS": 300,
            }
        )
        started = time.monotonic()
        with pytest.raises(ProviderError, match=r"read timeout=0.5"):
            adapter.create(charge())
        assert time.monotonic() - started < 3
