"""Manual capture on the dummy provider, end to end on the embedded job queue: a success
is only authorized; staff capture it (API or back office) and the provider's webhook pays
the order; cancelling the order instead voids the authorization."""

import pytest
from sqlalchemy import select

from ecom.catalog.models import Product
from ecom.extensions import db
from ecom.orders import transitions
from ecom.orders.models import Order
from ecom.payments.models import PaymentEvent
from tests.factories import admin_csrf_token, admin_login, token_headers
from tests.payments import pay, pending_order, reload

pytestmark = pytest.mark.usefixtures("embedded_jobs")


@pytest.fixture(autouse=True)
def manual_capture(app, monkeypatch):
    monkeypatch.setitem(app.config, "DUMMY_CAPTURE_METHOD", "manual")


@pytest.fixture
def authorized(client, customer):
    order, product = pending_order(customer, quantity=2)
    payment_id = pay(client, customer, order).json["id"]
    return order, product, payment_id


def capture(client, user, order):
    return client.post(f"/api/v1/orders/{order.id}/capture/", headers=token_headers(user))


def order_status(order) -> tuple[str, str]:
    db.session.expire_all()
    found = db.session.get(Order, order.id)
    return found.status, found.payment_status


def kinds(payment_id) -> list[str]:
    query = select(PaymentEvent.kind).where(PaymentEvent.payment_id == payment_id)
    return list(db.session.scalars(query.order_by(PaymentEvent.id)))


def test_a_manual_capture_payment_ends_authorized_and_leaves_the_order_pending(authorized):
    order, _, payment_id = authorized
    assert reload(payment_id).status == "authorized"
    assert order_status(order) == ("pending", "unpaid")


def test_staff_capture_pays_the_order_through_the_providers_webhook(client, staff, authorized):
    order, _, payment_id = authorized
    response = capture(client, staff, order)
    assert response.status_code == 202
    assert response.json["id"] == payment_id
    assert reload(payment_id).status == "captured"
    assert order_status(order) == ("paid", "paid")
    assert kinds(payment_id) == ["create", "authorized", "capture", "captured"]


def test_capture_without_an_authorized_payment_is_a_conflict(client, staff, customer):
    order, _ = pending_order(customer)
    response = capture(client, staff, order)
    assert response.status_code == 409
    assert response.json["code"] == "nothing_to_capture"


def test_capture_of_an_unknown_order_is_not_found(client, staff):
    assert capture(client, staff, type("Missing", (), {"id": 999999})).status_code == 404


def test_cancelling_an_order_with_an_authorized_payment_voids_it(staff, authorized):
    order, product, payment_id = authorized
    transitions.change_status(order.id, "cancelled", actor=staff)
    payment = reload(payment_id)
    assert payment.status == "cancelled"
    assert payment.refunds == []
    assert kinds(payment_id)[-1] == "cancel"
    assert order_status(order) == ("cancelled", "unpaid")
    stock = db.session.scalar(select(Product.stock_quantity).where(Product.id == product.id))
    assert stock == 10


def test_the_back_office_capture_button_captures_through_the_service(client, staff, authorized):
    order, _, payment_id = authorized
    admin_login(client, staff)
    page = client.get(f"/admin/orders/details/?id={order.id}").get_data(as_text=True)
    assert 'id="capture-form"' in page
    data = {"order_id": order.id, "csrf_token": admin_csrf_token(client)}
    page = client.post("/admin/orders/capture/", data=data, follow_redirects=True)
    assert f"Capture of order #{order.id} asked of the provider." in page.get_data(as_text=True)
    assert reload(payment_id).status == "captured"
    assert order_status(order) == ("paid", "paid")
