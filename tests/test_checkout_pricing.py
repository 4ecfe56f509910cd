"""The cart's quote, checkout and the order read one computation: shipping, tax, the
catalogue promotion and the voucher, to the cent (docs/PRICING.md)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from ecom.cart.models import Cart, CartItem
from ecom.common.models import utcnow
from ecom.extensions import db
from ecom.orders import placing
from ecom.orders.models import Order
from ecom.promotions import services as promotions
from ecom.promotions import vouchers
from ecom.promotions.models import Voucher
from ecom.shipping import services as shipping
from ecom.tax import services as tax
from tests.concurrency import CREATED, run_together, skip_unless_postgres
from tests.factories import (
    fill_cart,
    make_address,
    make_method,
    make_product,
    make_user,
    make_zone,
)

pytestmark = pytest.mark.usefixtures("embedded_jobs")
D = Decimal


def make_voucher(code="WELCOME10", kind="percentage", value="10", **fields):
    return vouchers.create_voucher(
        {"code": code, "kind": kind, "value": D(value), "starts_at": utcnow(), **fields}
    )


def german_rates():
    standard = tax.create_class({"name": "Standard", "is_default": True})
    reduced = tax.create_class({"name": "Reduced"})
    tax.create_rate({"country": "DE", "tax_class_id": standard.id, "rate": D("19")})
    tax.create_rate({"country": "DE", "tax_class_id": reduced.id, "rate": D("7")})
    return standard, reduced


@pytest.fixture
def shop(customer):
    """A German address, a method shipping there, rates, a promoted and a reduced product."""
    _, reduced = german_rates()
    zone = make_zone("DE")
    method = make_method(zone, price="4.99")
    shirt = make_product(price="20.00")
    book = make_product(price="12.50", tax_class_id=reduced.id)
    promotions.create_promotion(
        {
            "name": "Shirts -25%",
            "kind": "percentage",
            "value": D("25"),
            "starts_at": utcnow(),
            "product_ids": [shirt.id],
        }
    )
    fill_cart(customer, (shirt, 2), (book, 1))
    address = make_address(customer, country="DE", postal_code="10115")
    return {"method": method, "address": address, "shirt": shirt, "book": book}


def quote(client, headers, shop):
    query = f"address_id={shop['address'].id}&shipping_method_id={shop['method'].id}"
    return client.get(f"/api/v1/cart/?{query}", headers=headers)


def place(client, headers, shop, **extra):
    body = {
        "shipping_address_id": shop["address"].id,
        "shipping_method_id": shop["method"].id,
        **extra,
    }
    return client.post("/api/v1/orders/", json=body, headers=headers)


def test_the_quote_and_the_order_placed_from_it_agree_to_the_cent(
    client, customer, auth_headers, shop, app, monkeypatch
):
    monkeypatch.setitem(app.config, "PRICES_INCLUDE_TAX", True)
    headers = auth_headers(customer)
    make_voucher()
    assert (
        client.post(
            "/api/v1/cart/voucher/", json={"code": "welcome10"}, headers=headers
        ).status_code
        == 200
    )

    cart = quote(client, headers, shop).json
    order = place(client, headers, shop).json

    # The worked example of docs/PRICING.md, gross shop.
    assert [line["unit_price"] for line in cart["items"]] == ["15.00", "12.50"]
    assert [line["discount"] for line in cart["items"]] == ["3.00", "1.25"]
    assert [line["tax"] for line in cart["items"]] == ["4.31", "0.74"]
    assert cart["shipping"]["gross"] == "4.99" and cart["shipping"]["tax"] == "0.80"
    assert (cart["subtotal"], cart["discount"], cart["tax"], cart["total"]) == (
        "42.50",
        "4.25",
        "5.85",
        "43.24",
    )
    assert cart["voucher"] == {"code": "WELCOME10", "applied": True, "reason": None}
    for field in ("subtotal", "discount", "tax"):
        assert order[field] == cart[field]
    assert order["total_amount"] == cart["total"]
    assert order["shipping"]["name"] == shop["method"].name
    assert order["voucher_code"] == "WELCOME10"
    assert [line["gross"] for line in order["items"]] == [line["gross"] for line in cart["items"]]
    assert order["items"][0]["promotion"] == "Shirts -25%"
    assert order["items"][0]["unit_price_undiscounted"] == "20.00"


def test_a_net_shop_adds_the_tax_to_the_total(client, customer, auth_headers, shop):
    headers = auth_headers(customer)

    cart = quote(client, headers, shop).json

    # 30.00 at 19 % and 12.50 at 7 %, shipping 4.99 at the standard rate.
    assert [line["tax"] for line in cart["items"]] == ["5.70", "0.88"]
    assert cart["tax"] == "7.53" and cart["total"] == str(D("42.50") + D("4.99") + D("7.53"))
    assert [a["kind"] for a in cart["adjustments"]] == ["shipping", "tax"]


def test_the_methods_offered_for_a_country_and_postal_code(client, customer, auth_headers, shop):
    make_method(make_zone("FR"), price="9.00")

    answer = client.get(
        "/api/v1/cart/shipping-methods/?country=DE&postal_code=10115",
        headers=auth_headers(customer),
    )

    assert answer.status_code == 200
    assert [(m["method_id"], m["price"]) for m in answer.json] == [(shop["method"].id, "4.99")]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("", "destination_required"),
        ("?address_id={address}&country=DE", "destination_ambiguous"),
    ],
)
def test_the_methods_offered_need_one_destination(
    client, customer, auth_headers, shop, query, code
):
    path = "/api/v1/cart/shipping-methods/" + query.format(address=shop["address"].id)

    answer = client.get(path, headers=auth_headers(customer))

    assert answer.status_code == 409 and answer.json["code"] == code


def test_a_quote_for_a_method_needs_a_destination(client, customer, auth_headers, shop):
    path = f"/api/v1/cart/?shipping_method_id={shop['method'].id}"

    answer = client.get(path, headers=auth_headers(customer))

    assert answer.status_code == 409 and answer.json["code"] == "destination_required"


def test_checkout_needs_a_method_once_the_shop_ships_and_writes_nothing(
    client, customer, auth_headers, shop
):
    answer = client.post(
        "/api/v1/orders/",
        json={"shipping_address_id": shop["address"].id},
        headers=auth_headers(customer),
    )

    assert answer.status_code == 409 and answer.json["code"] == "shipping_method_required"
    assert db.session.scalar(select(func.count(Order.id))) == 0


def test_checkout_refuses_a_method_that_does_not_ship_there_and_keeps_the_cart(
    client, customer, auth_headers, shop
):
    french = make_method(make_zone("FR"), price="9.00")

    answer = place(client, auth_headers(customer), shop, shipping_method_id=french.id)

    assert answer.status_code == 409 and answer.json["code"] == "shipping_method_not_offered"
    assert db.session.scalar(select(func.count(CartItem.id))) == 2
    assert db.session.scalar(select(func.count(Order.id))) == 0


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"code": "OTHER"}, "voucher_not_found"),
        (
            {"ends_at": utcnow() - timedelta(seconds=1), "starts_at": utcnow() - timedelta(days=1)},
            "voucher_expired",
        ),
        ({"min_subtotal": D("500.00")}, "voucher_min_subtotal"),
        ({"usage_limit": 1, "used_count": 1}, "voucher_exhausted"),
    ],
)
def test_a_voucher_that_does_not_apply_answers_its_reason(
    client, customer, auth_headers, shop, fields, reason
):
    used = fields.pop("used_count", 0)
    voucher = make_voucher(**{key: value for key, value in fields.items() if key != "code"})
    voucher.used_count = used
    code = fields.get("code", "WELCOME10")

    answer = client.post(
        "/api/v1/cart/voucher/", json={"code": code}, headers=auth_headers(customer)
    )

    assert answer.status_code == 409 and answer.json["code"] == reason
    assert db.session.scalar(select(Cart.voucher_code)) is None
    assert voucher.code == "WELCOME10"


def test_a_voucher_that_stops_applying_shows_why_and_checkout_refuses_it(
    client, customer, auth_headers, shop
):
    headers = auth_headers(customer)
    make_voucher(min_quantity=3)
    client.post("/api/v1/cart/voucher/", json={"code": "WELCOME10"}, headers=headers)
    line = db.session.scalar(
        select(CartItem).where(CartItem.variant_id == shop["shirt"].variants[0].id)
    )
    client.delete(f"/api/v1/cart/remove/{line.id}/", headers=headers)

    cart = quote(client, headers, shop).json
    refused = place(client, headers, shop)

    assert cart["voucher"] == {
        "code": "WELCOME10",
        "applied": False,
        "reason": "voucher_min_quantity",
    }
    assert cart["discount"] == "0.00"
    assert refused.status_code == 409 and refused.json["code"] == "voucher_min_quantity"
    assert client.delete("/api/v1/cart/voucher/", headers=headers).status_code == 204
    assert place(client, headers, shop).status_code == 201


def test_a_free_shipping_voucher_takes_the_charge_off(client, customer, auth_headers, shop):
    headers = auth_headers(customer)
    make_voucher(code="FREESHIP", kind="free_shipping", value="0")
    client.post("/api/v1/cart/voucher/", json={"code": "freeship"}, headers=headers)

    order = place(client, headers, shop).json

    assert order["shipping"]["gross"] == "0.00" and order["discount"] == "0.00"


def test_a_placed_order_keeps_its_breakdown_when_the_rules_change(
    client, customer, auth_headers, shop
):
    headers = auth_headers(customer)
    order = place(client, headers, shop).json
    shipping.update_method(shop["method"].id, {"price": D("15.00")})
    for rate in db.session.scalars(select(tax.TaxRate)):
        tax.update_rate(rate.id, {"rate": D("25")})

    again = client.get(f"/api/v1/orders/{order['id']}/", headers=headers).json

    assert again["total_amount"] == order["total_amount"] and again["tax"] == order["tax"]
    assert again["shipping"] == order["shipping"]


def test_the_confirmation_e_mail_shows_the_breakdown(
    client, customer, auth_headers, shop, embedded_jobs
):
    headers = auth_headers(customer)
    make_voucher()
    client.post("/api/v1/cart/voucher/", json={"code": "welcome10"}, headers=headers)

    order = place(client, headers, shop).json

    [mail] = [m for m in embedded_jobs if "confirmed" in m.subject]
    text = mail.body
    assert "Voucher WELCOME10: -$4.25" in text
    assert f"Shipping ({shop['method'].name}): $4.99" in text
    assert f"Total: ${order['total_amount']}" in text


@pytest.mark.committed
def test_fifty_buyers_racing_a_voucher_limited_to_ten_give_exactly_ten_orders(app):
    skip_unless_postgres()
    product = make_product(stock=100)
    make_voucher(code="TEN", usage_limit=10)
    user_ids = []
    for _ in range(50):
        user = make_user()
        make_address(user)
        fill_cart(user, (product, 1))
        db.session.execute(
            Cart.__table__.update().where(Cart.user_id == user.id).values(voucher_code="TEN")
        )
        user_ids.append(user.id)
    db.session.commit()

    outcomes = run_together(app, user_ids, lambda user: placing.checkout(user))

    assert outcomes.count(CREATED) == 10
    assert outcomes.count(409) == 40
    assert db.session.scalar(select(Voucher.used_count).where(Voucher.code == "TEN")) == 10
    assert db.session.scalar(select(func.count(Order.id)).where(Order.voucher_code == "TEN")) == 10
    kept = select(func.count(CartItem.id))
    assert db.session.scalar(kept) == 40
