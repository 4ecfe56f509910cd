"""Helpers for payment tests: pay an order, and deliver the dummy provider's webhooks."""

import json
from uuid import uuid4

from flask import current_app
from sqlalchemy import func, select

from ecom.extensions import db
from ecom.payments.models import Payment, PaymentEvent
from ecom.payments.providers.dummy import DummyProvider
from tests.factories import make_order, make_product, token_headers


def dummy() -> DummyProvider:
    return DummyProvider.from_config(current_app.config)


def captured_payment(order, status: str = "captured") -> Payment:
    """A captured payment that did not pay its pending order (flagged): refundable; or,
    with ``status="authorized"``, one waiting for capture."""
    payment = Payment(
        order_id=order.id,
        provider="dummy",
        amount=order.total_amount,
        currency=current_app.config["SHOP_CURRENCY"],
        status=status,
        reference=f"dummy_pi_{uuid4().hex[:24]}",
        idempotency_key=uuid4().hex,
        flag="amount_mismatch" if status == "captured" else None,
        captured_amount=order.total_amount if status == "captured" else None,
    )
    db.session.add(payment)
    db.session.commit()
    return payment


def pending_order(user, price="19.90", quantity=1, stock=10):
    product = make_product(price=price, stock=stock)
    return make_order(user, (product, quantity)), product


def pay(client, user, order, key=None, **body):
    headers = token_headers(user) | ({"Idempotency-Key": key} if key else {})
    return client.post(f"/api/v1/orders/{order.id}/pay/", json=body, headers=headers)


def post_webhook(client, body: str, headers=None):
    raw = body.encode()
    headers = dummy().signature_headers(raw) if headers is None else headers
    return client.post("/api/v1/payments/webhooks/dummy/", data=raw, headers=headers)


def planned_webhooks(payment_id: int) -> list[str]:
    """The bodies the dummy planned to send for a payment, in order."""
    created = db.session.scalar(
        select(PaymentEvent).where(
            PaymentEvent.payment_id == payment_id, PaymentEvent.kind == "create"
        )
    )
    return [webhook["body"] for webhook in created.data["webhooks"]]


def event(kind: str, payment: Payment, **overrides) -> str:
    fields = {"amount": payment.amount, "currency": payment.currency, **overrides}
    return dummy().event_body(kind, payment.reference, **fields)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def reload(payment_id: int) -> Payment:
    db.session.expire_all()
    return db.session.get(Payment, payment_id)


def body_id(body: str) -> str:
    return json.loads(body)["id"]
